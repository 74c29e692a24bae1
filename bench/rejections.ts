/**
 * How fast bad input is turned away: WeCom crypto rejections (R04: each under 50 ms) and the chat parser on hostile
 * text (R10: p99 under 5 ms). The tests only check that every input is rejected with a typed error or parsed without
 * throwing; timing lives here because a busy machine once made a timed test fail.
 *
 *   npx tsx bench/rejections.ts [--runs 10000]
 *
 * Writes its figures and method into docs/performance.md.
 */
import { parseArgs } from "node:util";
import fc from "fast-check";
import { createWecomCrypto, WecomCryptoError } from "../src/bot/wecom/crypto.js";
import { parseCommand } from "../src/bot/parse.js";
import { fmt, machine, writeSection } from "./report.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "10000" } } });
const RUNS = Number(values.runs);

const bot = createWecomCrypto({ token: "QDG6eK", encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function timeRejections(): Promise<number[]> {
  // Base64 of the right length with random bytes (padding/length/receiveid failures), random text, and wrong signatures.
  const inputs = fc.sample(
    fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 2048 }).map((b) => Buffer.from(b.slice(0, b.length - (b.length % 16))).toString("base64")),
      fc.string({ maxLength: 4096 }),
    ),
    { numRuns: RUNS, seed: 42 },
  );
  const times: number[] = [];
  for (const s of inputs) {
    const t0 = performance.now();
    try {
      await bot.verifyAndDecrypt("0".repeat(40), "1700000000", "nonce", s).catch(() => bot.decrypt(s));
    } catch (e) {
      if (!(e instanceof WecomCryptoError)) throw e;
    }
    times.push(performance.now() - t0);
  }
  return times;
}

function timeParse(): number[] {
  const inputs = fc.sample(fc.oneof(fc.string({ unit: "binary", maxLength: 512 }), fc.string({ unit: "grapheme", maxLength: 400 })), { numRuns: RUNS, seed: 7 });
  return inputs.map((s) => {
    const t0 = performance.now();
    parseCommand(s);
    return performance.now() - t0;
  });
}

const crypto = await timeRejections();
const parse = timeParse();
const row = (name: string, xs: number[], goal: string) => `| ${name} | ${xs.length} | ${fmt(pct(xs, 0.5))} | ${fmt(pct(xs, 0.99))} | ${fmt(Math.max(...xs))} | ${goal} |`;
const body = `## Rejecting bad input (\`bench/rejections.ts\`, reliability R04, R10)

${machine()}. Random inputs from fast-check with fixed seeds: for WeCom crypto, signed-looking base64 of random bytes
and random strings (each rejected with a typed error, after the signature check fails or on decrypting directly);
for the parser, binary code points and full-Unicode graphemes. Milliseconds per input.

| work | inputs | p50 ms | p99 ms | max ms | goal |
|---|---|---|---|---|---|
${row("WeCom crypto rejection", crypto, "each < 50 ms (R04)")}
${row("parseCommand on hostile text", parse, "p99 < 5 ms (R10)")}

The test suite checks only that every one of 10,000 inputs is rejected with a typed error (crypto) or parsed without
throwing (parser); it never asserts elapsed time.`;
writeSection("rejections", body);
console.log(body);
