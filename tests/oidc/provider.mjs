// A real OpenID Connect provider for the sign-in browser test (tests/browser/test_single_sign_on.py).
//
//   node provider.mjs PORT REDIRECT_URI
//
// One confidential client, "tracker" with secret "tracker-secret", allowed to
// return to REDIRECT_URI. Accounts are any email address: the provider's own
// development sign-in page takes it as the login (any password), and the
// claims are that address with a name made from it. Prints "ready" when
// listening; stops on SIGTERM.
import Provider from "oidc-provider";

const [port, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

function nameOf(email) {
  const [given, family = "Person"] = email.split("@")[0].split(".");
  const cap = (word) => word.charAt(0).toUpperCase() + word.slice(1);
  return { given_name: cap(given), family_name: cap(family) };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "tracker",
      client_secret: "tracker-secret",
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: { email: ["email", "email_verified"], profile: ["given_name", "family_name", "name"] },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    const email = id.toLowerCase();
    const names = nameOf(email);
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: true, ...names, name: `${names.given_name} ${names.family_name}` };
      },
    };
  },
});
provider.proxy = false;

const server = provider.listen(Number(port), "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
