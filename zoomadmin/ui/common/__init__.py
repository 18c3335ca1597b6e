"""What every tab shares: the async runner, the change-bus adapter, table and dialog parts."""
