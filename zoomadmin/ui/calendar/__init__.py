"""The Calendar tab: sessions in painted day, week and month views, their details and actions."""
