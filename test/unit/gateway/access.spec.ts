/** authorize(): the action's permission and body tags against the caller's role (gateway/access.ts). */
import { expect } from "chai";
import { authorizeRequest } from "../../../gateway/access";
import type { GatewayRequest, GatewayTags } from "../../../gateway/action";
import { toHttpError } from "../../../gateway/http-errors";
import type { Principal, Role } from "../../../gateway/roles";

function req(tags: Partial<GatewayTags> | undefined, contentType?: string): GatewayRequest {
  return { headers: contentType ? { "content-type": contentType } : {}, $action: tags && { name: "api.x", ...tags } } as unknown as GatewayRequest;
}
const as = (role: Role): Principal => ({ keyId: "0123456789abcdef", fleetId: "fleetA", role });
function statusOf(fn: () => void): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return toHttpError(err).status;
  }
}

describe("authorizeRequest", () => {
  it("lets anyone through a public action, nobody through a non-public one without a key", () => {
    expect(statusOf(() => authorizeRequest(req({ permission: "public" }), undefined))).to.equal(undefined);
    expect(statusOf(() => authorizeRequest(req({ permission: "read" }), undefined))).to.equal(401);
  });

  it("checks the role's grant: 403 without it", () => {
    expect(statusOf(() => authorizeRequest(req({ permission: "read" }), as("viewer")))).to.equal(undefined);
    expect(statusOf(() => authorizeRequest(req({ permission: "read" }), as("ingest")))).to.equal(403);
    expect(statusOf(() => authorizeRequest(req({ permission: "operate" }), as("viewer")))).to.equal(403);
    expect(statusOf(() => authorizeRequest(req({ permission: "admin" }), as("operator")))).to.equal(403);
    expect(statusOf(() => authorizeRequest(req({ permission: "ingest" }), as("admin")))).to.equal(undefined);
  });

  it("fails closed (500) for an action without a permission tag", () => {
    expect(statusOf(() => authorizeRequest(req({}), as("admin")))).to.equal(500);
    expect(statusOf(() => authorizeRequest(req(undefined), as("admin")))).to.equal(500);
  });

  it("a JSON-body action needs Content-Type application/json (415), checked after the permission", () => {
    expect(statusOf(() => authorizeRequest(req({ permission: "ingest", body: "window" }, "application/json; charset=utf-8"), as("ingest")))).to.equal(
      undefined,
    );
    expect(statusOf(() => authorizeRequest(req({ permission: "ingest", body: "window" }, "text/plain"), as("ingest")))).to.equal(415);
    expect(statusOf(() => authorizeRequest(req({ permission: "ingest", body: "json" }), as("ingest")))).to.equal(415);
    expect(statusOf(() => authorizeRequest(req({ permission: "ingest", body: "json" }, "text/plain"), as("viewer")))).to.equal(403);
  });
});
