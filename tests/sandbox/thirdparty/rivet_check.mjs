// Zoom's official Node SDK (@zoom/rivet) against the sandbox, used as its README shows.
// Rivet's API base URL is a constructor option (`baseUrl`); its token URL is a module
// constant (https://zoom.us/oauth/token) with no option, so the S2S token is fetched from
// the sandbox the way Rivet itself asks for one (Basic auth, form body) and handed to
// Rivet through its documented `tokenStore` option. Prints one JSON line of results.
import { MeetingsS2SAuthClient } from "@zoom/rivet/meetings";
import { UsersS2SAuthClient } from "@zoom/rivet/users";

const env = process.env;
const basic = Buffer.from(`${env.ZOOM_CLIENT_ID}:${env.ZOOM_CLIENT_SECRET}`).toString("base64");

async function fetchToken() {
  const answer = await fetch(env.ZOOM_OAUTH_URL, {
    method: "POST",
    headers: {
      Authorization: `Basic ${basic}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "account_credentials", account_id: env.ZOOM_ACCOUNT_ID }),
  });
  const raw = await answer.json();
  return {
    accessToken: raw.access_token,
    expirationTimeIso: new Date(Date.now() + raw.expires_in * 1000).toISOString(),
    scopes: raw.scope.split(" "),
  };
}

const token = await fetchToken();
const tokenStore = { getLatestToken: () => token, storeToken: () => undefined };
const options = {
  clientId: env.ZOOM_CLIENT_ID,
  clientSecret: env.ZOOM_CLIENT_SECRET,
  accountId: env.ZOOM_ACCOUNT_ID,
  tokenStore,
  baseUrl: env.ZOOM_API_URL,
  disableReceiver: true,
};
const users = new UsersS2SAuthClient(options).endpoints.users;
const meetings = new MeetingsS2SAuthClient(options).endpoints;

const listed = await users.listUsers({ query: { status: "active", page_size: 300 } });
const created = await users.createUsers({
  body: {
    action: "custCreate",
    user_info: { email: "rivet+host@learnwell.example", type: 2, first_name: "Riv", last_name: "Et" },
  },
});
const fetchedUser = await users.getUser({ path: { userId: created.data.id } });
const meeting = await meetings.meetings.createMeeting({
  path: { userId: created.data.id },
  body: { topic: "Rivet check", type: 2, start_time: "2026-03-10T10:00:00Z", duration: 30, timezone: "UTC" },
});
const fetchedMeeting = await meetings.meetings.getMeeting({ path: { meetingId: meeting.data.id } });
const recordings = await meetings.cloudRecording.listAllRecordings({
  path: { userId: created.data.id },
  query: { from: "2026-02-01", to: "2026-03-01" },
});

console.log(
  JSON.stringify({
    list_status: listed.statusCode,
    user_count: listed.data.users.length,
    create_user_status: created.statusCode,
    created_user_id: created.data.id,
    fetched_user_email: fetchedUser.data.email,
    create_meeting_status: meeting.statusCode,
    meeting_id: meeting.data.id,
    fetched_meeting_topic: fetchedMeeting.data.topic,
    recordings_status: recordings.statusCode,
    recordings_total: recordings.data.total_records,
    tracking_id: fetchedMeeting.trackingId,
  }),
);
