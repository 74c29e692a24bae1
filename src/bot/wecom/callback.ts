/**
 * The smart-bot URL callback (wecom.md §1.A), mounted at /wecom/callback when WECOM_MODE=callback.
 * GET: URL verification answered with the bare decrypted echostr (§1.A.1, R02).
 * POST: size cap (R09) → signature, before anything else (R03) → timestamp window and durable nonce check (R05) →
 * decrypt → zod → pipeline (deduplicated on msgid, R06) raced against a time budget: a finished encrypted stream
 * when it is done in time, otherwise an encrypted empty package and the reply later through response_url (R08, R20).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env.js";
import type { Config } from "../../config.js";
import { claimNonce, nonceWrites, NONCE_TAKEN, peekNonce, purgeReplayState, repliesFor, sha256Text } from "../../db/wecom-replay.js";
import { DuplicateKey } from "../../db/write.js";
import type { Deps } from "../../deps.js";
import { handleMessage, type Replies } from "../pipeline.js";
import { renderWecom } from "./render.js";
import { encryptField, readBodyCapped, signedQuery, type SignedQuery } from "./callback-http.js";
import { createWecomClient, type WecomClient } from "./client.js";
import { createWecomCrypto, parseEncodingAesKey, type CryptoPrimitives } from "./crypto.js";
import { sendLateReply } from "./late-reply.js";
import { downloadMedia } from "./media.js";
import { callbackPayload, toInbound, type Inbound } from "./payload.js";
import { EMPTY_REPLY, finishedStream, finishedStreamWithCard, welcomeText } from "./reply.js";
import { splitCard, taskIdOf } from "./card.js";
import { clickUpdate } from "./card-click.js";

/** Time the pipeline may take before we answer without it: WeCom wants an answer within 1 s (R01, R08). */
export const MESSAGE_BUDGET_MS = 800;
/** Card clicks must be answered within 5 s, with no retry (§1.A.5); leave a wide margin. */
export const CARD_BUDGET_MS = 3_500;

type C = Context<AppEnv>;
/** What the envelope checks learnt, for the message's own batch: its nonce row commits with its effect. */
type Seal = { nonce: string; digest: string; encrypt: string; now: number };
/** The replay look's two ways to stop a callback before any work (R05). */
class Replayed extends Error {}
class NonceStoreDown extends Error {}
type Raced<T> = { kind: "done"; value: T } | { kind: "failed"; error: unknown } | { kind: "late" };

/** Settles with the work's outcome, or "late" once `ms` has passed (the work keeps running). */
function within<T>(work: Promise<T>, ms: number): Promise<Raced<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Raced<T>>((resolve) => (timer = setTimeout(() => resolve({ kind: "late" }), Math.max(0, ms))));
  const settled = work.then(
    (value): Raced<T> => ({ kind: "done", value }),
    (error): Raced<T> => ({ kind: "failed", error }),
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

/** The decrypted body, read: a refusal (400), an authentic payload we do not act on, or something to dispatch. */
export function readPayload(plaintext: string, botId: string | undefined): { refuse: string } | { ignore: string } | { inbound: Inbound } {
  let json: unknown;
  try {
    json = JSON.parse(plaintext);
  } catch {
    return { refuse: "decrypted payload is not JSON" };
  }
  const parsed = callbackPayload.safeParse(json);
  if (!parsed.success) return { ignore: `unsupported payload (${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})` };
  if (botId && parsed.data.aibotid && parsed.data.aibotid !== botId) return { ignore: `callback for another bot ${parsed.data.aibotid}: check WECOM_BOT_ID` };
  return { inbound: toInbound(parsed.data) };
}

export function wecomCallback(config: Config, opts: { client?: WecomClient; primitives?: CryptoPrimitives } = {}): Hono<AppEnv> {
  const { token, encodingAesKey, timestampWindowSeconds, botId } = config.wecom;
  if (!token || !encodingAesKey) throw new Error("WECOM_MODE=callback needs WECOM_TOKEN and WECOM_ENCODING_AES_KEY from the bot's API settings");
  const wc = createWecomCrypto({ token, encodingAesKey, receiveId: "", primitives: opts.primitives }); // §3.1: receiveid is "" for smart bots
  const aesKey = parseEncodingAesKey(encodingAesKey);
  const client = opts.client ?? createWecomClient({ apiBase: config.wecom.apiBase });

  const refuse = (c: C, status: 400 | 403 | 413 | 503, message: string) => c.text(message, status);

  /** §1.A.6: JSON {encrypt, msgsignature, timestamp, nonce} with the callback's own nonce, sent as text/plain. */
  async function encrypted(c: C, q: SignedQuery, plaintext: string) {
    const body = await wc.encryptReply(plaintext, q.timestamp, q.nonce);
    return c.body(JSON.stringify(body), 200, { "content-type": "text/plain; charset=utf-8" });
  }

  /**
   * Runs the pipeline (after fetching media) within the budget; a late result goes out through the outbox.
   * The nonce row rides in the message's own batch (with its inbox row and effect): one commit per command.
   */
  async function answer(c: C, q: SignedQuery, seal: Seal, inbound: Extract<Inbound, { kind: "message" | "card" }>, deadline: number, precheck: Promise<void> | undefined, render: (replies: Replies) => Promise<string | undefined> | string | undefined) {
    const deps = c.get("deps");
    const receivedAt = deps.clock();
    const media = inbound.kind === "message" ? inbound.media : [];
    const msgKey = `wecom:${inbound.msg.msgId}`;
    const alsoWrite = nonceWrites(deps.db, seal.nonce, seal.digest, seal.now, msgKey);
    const work = (async () => {
      const uploads = media.length ? await downloadMedia(client, aesKey, media, deps.log) : [];
      return handleMessage(deps, { ...inbound.msg, uploads }, { alsoWrite, precheck });
    })();
    const late = { msgKey, chatId: inbound.msg.chatId, responseUrl: inbound.responseUrl, receivedAt };
    const r = await within(work, deadline - Date.now());
    if (r.kind === "failed") {
      if (r.error instanceof Replayed || r.error instanceof NonceStoreDown) return refusedEarly(c, q, r.error);
      if (r.error instanceof DuplicateKey && r.error.constraint === NONCE_TAKEN) return replayed(c, q);
      // Nothing was committed (one batch per message, nonce included): let WeCom redeliver rather than acknowledge lost work.
      deps.log.error("WeCom callback: processing failed", { msgId: inbound.msg.msgId, error: String((r.error as Error)?.stack ?? r.error) });
      return refuse(c, 503, "temporarily unavailable");
    }
    if (r.kind === "done") {
      const body = await render(r.value);
      if (body !== undefined) return encrypted(c, q, body);
      deps.waitUntil(sendLateReply(deps, { ...late, content: r.value }));
      return encrypted(c, q, EMPTY_REPLY);
    }
    // R08: we acknowledge before the work committed, so its intent (nonce row with the ciphertext) is made durable
    // first; recover.ts runs it again if this process dies. If the work committed meanwhile this writes nothing.
    try {
      if ((await claimNonce(deps.db, seal.nonce, seal.digest, seal.now, { msgKey, encrypt: seal.encrypt })) === "replay") return replayed(c, q);
    } catch (e) {
      deps.log.error("WeCom callback: nonce store unavailable", { error: String(e) });
      return refuse(c, 503, "temporarily unavailable"); // WeCom retries; a redelivery is answered from the inbox
    }
    deps.log.info("WeCom callback: answered before the work finished; the reply follows via response_url", { msgId: inbound.msg.msgId });
    deps.waitUntil(
      work.then(
        (replies) => sendLateReply(deps, { ...late, content: replies }),
        // Nothing was committed; the stored intent lets the next scheduler tick run it again (recover.ts).
        (e: unknown) => deps.log.error("WeCom callback: background processing failed; it will be retried from its stored intent", { msgId: inbound.msg.msgId, error: String((e as Error)?.stack ?? e) }),
      ),
    );
    return encrypted(c, q, EMPTY_REPLY);
  }

  /** A replay (403) or a nonce store that did not answer (503: WeCom retries; nothing was done). */
  function refusedEarly(c: C, q: SignedQuery, e: unknown) {
    if (e instanceof Replayed) return replayed(c, q);
    c.get("deps").log.error("WeCom callback: nonce store unavailable", { error: e instanceof NonceStoreDown ? e.message : String(e) });
    return refuse(c, 503, "temporarily unavailable");
  }

  function replayed(c: C, q: SignedQuery) {
    c.get("deps").log.warn("security: WeCom callback nonce reused with a different payload; refused as a replay", { nonce: q.nonce });
    return refuse(c, 403, "nonce already used");
  }

  /** After the envelope checks: what the decrypted payload asks for. */
  async function dispatch(c: C, q: SignedQuery, seal: Seal, inbound: Inbound, started: number, precheck?: Promise<void>) {
    const deps: Deps = c.get("deps");
    switch (inbound.kind) {
      case "message": {
        const id = inbound.msg.msgId;
        return answer(c, q, seal, inbound, started + MESSAGE_BUDGET_MS, precheck, (replies) => {
          // Issue 11: a reply with buttons carries them as a card (§1.A.6 stream_with_template_card); the text stays whole.
          const { card, rest } = splitCard(replies, taskIdOf(`r_${id}`));
          const md = rest.map(renderWecom).join("\n\n");
          return card ? finishedStreamWithCard(id, md, card) : finishedStream(id, md);
        });
      }
      case "card": {
        // §4.4: the update rides in this HTTP response; who sees it is card-click.ts's choice.
        const { taskId, msg } = inbound;
        return answer(c, q, seal, inbound, started + CARD_BUDGET_MS, precheck, async (replies) =>
          taskId ? JSON.stringify(await clickUpdate(c.get("deps"), { command: msg.text, clickerId: msg.senderId, chatId: msg.chatId, taskId }, replies)) : undefined,
        );
      }
      case "stream": {
        // §1.A.7: we only ever answer with finished streams (id = msgid), so a refresh gets the stored reply.
        const replies = await repliesFor(deps.db, `wecom:${inbound.streamId}`);
        return encrypted(c, q, replies ? finishedStream(inbound.streamId, replies.map(renderWecom).join("\n\n")) : EMPTY_REPLY);
      }
      case "welcome":
        return encrypted(c, q, welcomeText());
      case "ignore":
        deps.log.info("WeCom callback ignored", { why: inbound.why });
        return encrypted(c, q, EMPTY_REPLY); // feedback_event and unknown events: empty package only (§1.A.5)
    }
  }

  /** True (and logged) when the signed timestamp is further than the window from our clock (R05). */
  function outsideWindow(c: C, q: SignedQuery, what: string): boolean {
    const skewS = Math.round((c.get("deps").clock() - Number(q.timestamp) * 1000) / 1000);
    if (Math.abs(skewS) <= timestampWindowSeconds) return false;
    c.get("deps").log.warn(`security: ${what} timestamp outside the window; check this server's clock (NTP)`, { skewSeconds: skewS, windowSeconds: timestampWindowSeconds });
    return true;
  }

  const r = new Hono<AppEnv>();

  r.get("/", async (c) => {
    const q = signedQuery(c.req.url, true);
    if (!q?.echostr) return refuse(c, 400, "URL verification needs msg_signature, timestamp, nonce and echostr");
    if (!(await wc.verify(q.signature, q.timestamp, q.nonce, q.echostr))) {
      c.get("deps").log.warn("WeCom URL verification: signature mismatch: check that WECOM_TOKEN matches the admin console");
      return refuse(c, 403, "WeCom signature mismatch: check that WECOM_TOKEN matches the admin console");
    }
    // R05: a captured verification URL must not stay replayable for ever, so the same window as POSTs applies.
    if (outsideWindow(c, q, "WeCom URL verification")) return refuse(c, 403, "URL verification timestamp outside the accepted window");
    try {
      // §1.A.1: the bare plaintext — no quotes, no BOM, no trailing newline.
      return c.body(await wc.decrypt(q.echostr), 200, { "content-type": "text/plain; charset=utf-8" });
    } catch {
      c.get("deps").log.warn("WeCom URL verification: echostr does not decrypt: check that WECOM_ENCODING_AES_KEY matches the admin console");
      return refuse(c, 400, "echostr does not decrypt: check WECOM_ENCODING_AES_KEY");
    }
  });

  r.post("/", async (c) => {
    const started = Date.now();
    const deps = c.get("deps");
    const q = signedQuery(c.req.url, false);
    if (!q) return refuse(c, 400, "callback needs msg_signature, timestamp and nonce");
    const body = await readBodyCapped(c.req.raw);
    if (body === "too_large") return refuse(c, 413, "callback body too large");
    const encrypt = encryptField(body);
    if (!encrypt) return refuse(c, 400, 'callback body must be JSON {"encrypt": "…"}');
    if (!(await wc.verify(q.signature, q.timestamp, q.nonce, encrypt))) {
      deps.log.warn("WeCom signature mismatch: check that WECOM_TOKEN matches the admin console");
      return refuse(c, 403, "WeCom signature mismatch: check that WECOM_TOKEN matches the admin console");
    }
    const now = deps.clock();
    if (outsideWindow(c, q, "WeCom callback")) return refuse(c, 403, "callback timestamp outside the accepted window");
    let plaintext: string;
    try {
      plaintext = await wc.decrypt(encrypt);
    } catch {
      deps.log.warn("WeCom callback does not decrypt: check that WECOM_ENCODING_AES_KEY matches the admin console");
      return refuse(c, 400, "encrypt does not decrypt");
    }
    const read = readPayload(plaintext, botId);
    if ("refuse" in read) return refuse(c, 400, read.refuse);
    // R05: a nonce reused with another payload is refused before any work. A message that runs a command only
    // looks here, beside its first reads (pipeline precheck), and before any media is fetched; its nonce row
    // commits in the same batch as its inbox row and effect (answer). Anything else records its nonce now.
    const inbound = "inbound" in read ? read.inbound : undefined;
    const runs = inbound?.kind === "message" || inbound?.kind === "card";
    const seal: Seal = { nonce: q.nonce, digest: opts.primitives ? opts.primitives.sha256Hex(encrypt) : await sha256Text(encrypt), encrypt, now };
    const looked = (runs ? peekNonce : claimNonce)(deps.db, seal.nonce, seal.digest, now).then(
      (seen) => {
        if (seen === "fresh" && Math.random() < 0.02) deps.waitUntil(purgeReplayState(deps.db, now));
        if (seen === "replay") throw new Replayed();
      },
      (e: unknown) => {
        throw new NonceStoreDown(String(e));
      },
    );
    // Without media nothing happens before the pipeline's first reads, so the look travels with them.
    const precheck = runs && !(inbound.kind === "message" && inbound.media.length) ? looked : undefined;
    if (!precheck) {
      try {
        await looked;
      } catch (e) {
        return refusedEarly(c, q, e);
      }
    }
    if (!inbound) {
      // Authentic but not for us to act on: acknowledge so WeCom does not retry it.
      deps.log.warn(`WeCom callback ignored: ${(read as { ignore: string }).ignore}`);
      return encrypted(c, q, EMPTY_REPLY);
    }
    deps.log.info("WeCom callback", { kind: inbound.kind, chatId: inbound.kind === "message" || inbound.kind === "card" ? inbound.msg.chatId : undefined });
    return dispatch(c, q, seal, inbound, started, precheck);
  });

  return r;
}
