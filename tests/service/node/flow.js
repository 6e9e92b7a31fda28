// A team's code on Intercom's official Node SDK (intercom-client), pointed at the fake by its environment:
// create a contact, message it; with "refused", also a message Intercom refuses (an email without its subject).
const { IntercomClient } = require("intercom-client");

const client = new IntercomClient({
  token: process.env.INTERCOM_ACCESS_TOKEN,
  baseUrl: process.env.INTERCOM_BASE_URL,
});
const admin = { type: "admin", id: Number(process.argv[2]) };

async function main() {
  const contact = await client.contacts.create({ email: "ada@example.com" });
  const message = await client.messages.create({
    message_type: "inapp",
    body: "Welcome",
    from: admin,
    to: { type: "user", id: contact.id },
  });
  console.log(`sent ${message.type}`);
  if (process.argv.includes("refused")) {
    try {
      await client.messages.create({ message_type: "email", body: "No subject", from: admin, to: { type: "user", id: contact.id } });
    } catch (error) {
      console.log(`refused ${error.statusCode}`); // the team's code swallows it: the fake's verdict still fails the job
    }
  }
}

main().catch((error) => {
  console.error(`failed: ${error.message}`);
  process.exit(2);
});
