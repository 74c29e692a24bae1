/** The outbound allow-list of the WeCom client (issue 16): which URLs may be requested, and redirects re-checked. */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowedFetch, isAllowedUrl, OutboundRefused, urlForLog } from "../../src/bot/wecom/hosts.js";
import { createWecomClient } from "../../src/bot/wecom/client.js";

const PUBLIC = { apiBase: "https://qyapi.weixin.qq.com", wsUrl: "wss://openws.work.weixin.qq.com" };
const PRIVATE = { apiBase: "https://wecom.district.gov.cn:8443", wsUrl: "wss://ws.district.gov.cn" };
const FAKE = { apiBase: "http://127.0.0.1:4010" };

describe("isAllowedUrl", () => {
  it.each([
    ["https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=abc", PUBLIC],
    ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", PUBLIC],
    ["https://QYAPI.weixin.qq.com./x", PUBLIC],
    ["https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/BHoPdA3/757?sign=q-sign-algorithm%3Dsha1", PUBLIC],
    ["https://ww-aibot-img-1258476243.cos.ap-shanghai.tencentcos.cn/x", PUBLIC],
    ["https://wecom.district.gov.cn:8443/cgi-bin/aibot/response?response_code=1", PRIVATE],
    ["https://ws.district.gov.cn/media/1", PRIVATE],
    ["http://127.0.0.1:4010/media/photo.png", FAKE],
  ])("allows %s", (url, cfg) => expect(isAllowedUrl(url, cfg)).toBe(true));

  it.each([
    ["http://127.0.0.1:9000/cgi-bin/aibot/response?response_code=x", PUBLIC, "loopback"],
    ["http://127.0.0.1:9000/media/a", FAKE, "another port of the configured http fake"],
    ["https://127.0.0.1:4010/media/a", FAKE, "https to the fake's host (only its exact http origin is allowed)"],
    ["http://localhost:4010/media/a", FAKE, "the same fake under another name"],
    ["http://qyapi.weixin.qq.com/cgi-bin/webhook/send", PUBLIC, "plain http to WeCom"],
    ["https://169.254.169.254/latest/meta-data", PUBLIC, "cloud metadata"],
    ["https://10.0.0.8/admin", PUBLIC, "a private address"],
    ["https://qyapi.weixin.qq.com.evil.example/x", PUBLIC, "a look-alike suffix"],
    ["https://evilweixin.qq.com/x", PUBLIC, "a look-alike without the dot"],
    ["https://qyapi.weixin.qq.com:8443/x", PUBLIC, "a non-default port on a public host"],
    ["https://someone-else.cos.ap-guangzhou.myqcloud.com/x", PUBLIC, "another COS bucket"],
    ["https://user:pw@qyapi.weixin.qq.com/x", PUBLIC, "credentials in the URL"],
    ["file:///etc/passwd", PUBLIC, "file:"],
    ["ftp://qyapi.weixin.qq.com/x", PUBLIC, "ftp:"],
    ["not a url", PUBLIC, "garbage"],
    ["https://wecom.district.gov.cn/x", PRIVATE, "the private API host on another port"],
  ])("refuses %s (%s)", (url, cfg) => expect(isAllowedUrl(url, cfg)).toBe(false));

  it("logs a URL as scheme and host only", () => {
    expect(urlForLog("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=secret")).toBe("https://qyapi.weixin.qq.com");
    expect(new OutboundRefused("http://127.0.0.1:9000/x?key=secret").message).not.toContain("secret");
  });
});

describe("the client on loopback: refused URLs are never requested, redirects are checked hop by hop", () => {
  let allowed: Server;
  let other: Server;
  let base = "";
  let otherBase = "";
  const hits: string[] = [];
  const otherHits: string[] = [];
  const listen = (s: Server) => new Promise<string>((r) => s.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(s.address() as { port: number }).port}`)));
  beforeAll(async () => {
    other = createServer((req, res) => (otherHits.push(req.url ?? ""), res.end("internal")));
    otherBase = await listen(other);
    allowed = createServer((req, res) => {
      hits.push(req.url ?? "");
      if (req.url?.startsWith("/redirect-out")) return res.writeHead(302, { location: `${otherBase}/secret` }).end();
      if (req.url?.startsWith("/redirect-in")) return res.writeHead(302, { location: "/media/ok" }).end();
      if (req.url === "/cgi-bin/aibot/response?response_code=ok") return res.writeHead(200, { "content-type": "application/json" }).end('{"errcode":0}');
      res.end("media-bytes");
    });
    base = await listen(allowed);
  });
  afterAll(async () => {
    await new Promise((r) => allowed.close(r));
    await new Promise((r) => other.close(r));
  });

  it("GETs media and POSTs a response_url on the configured base, and refuses the other port without a request", async () => {
    const client = createWecomClient({ apiBase: base });
    expect(new TextDecoder().decode((await client.getMedia(`${base}/media/ok`, 100)).bytes)).toBe("media-bytes");
    expect(await client.postResponseUrl(`${base}/cgi-bin/aibot/response?response_code=ok`, "hi")).toEqual({ ok: true });
    await expect(client.getMedia(`${otherBase}/media/x`, 100)).rejects.toBeInstanceOf(OutboundRefused);
    expect(await client.postResponseUrl(`${otherBase}/cgi-bin/aibot/response?response_code=x`, "hi")).toMatchObject({ ok: false, retryable: false });
    expect(otherHits).toEqual([]);
  });

  it("follows a redirect that stays on allowed hosts and refuses one that leaves them", async () => {
    const client = createWecomClient({ apiBase: base });
    expect(new TextDecoder().decode((await client.getMedia(`${base}/redirect-in`, 100)).bytes)).toBe("media-bytes");
    await expect(client.getMedia(`${base}/redirect-out`, 100)).rejects.toBeInstanceOf(OutboundRefused);
    expect(hits).toContain("/redirect-out");
    expect(otherHits).toEqual([]);
  });

  it("checks before calling the fetch it wraps", async () => {
    const seen: string[] = [];
    const spy = async (u: string) => (seen.push(u), new Response("x"));
    await expect(allowedFetch(spy, PUBLIC, "http://127.0.0.1:9000/x")).rejects.toBeInstanceOf(OutboundRefused);
    expect(seen).toEqual([]);
    await allowedFetch(spy, PUBLIC, "https://qyapi.weixin.qq.com/x");
    expect(seen).toEqual(["https://qyapi.weixin.qq.com/x"]);
  });
});
