/** 策略: view and edit the office's policy numbers (src/domain/policy.ts), validated with zod; changes are audited. */
import { Hono } from "hono";
import type { WebEnv } from "../context.js";
import { loadPolicy } from "../../db/policy.js";
import { upsertPolicy } from "../../db/admin/policy.js";
import type { Policy } from "../../domain/policy.js";
import { adminCtx, adminPage, Csrf, Errors, Flash, formOf, saveWithAudit, text, type C } from "./common.js";
import { nestForm, policyFields, policySchema, type Field } from "./policy-form.js";

function Input(props: { f: Field }) {
  const f = props.f;
  if (f.kind === "bool") {
    return (
      <select name={f.path}>
        <option value="1" selected={f.value === "1"}>是</option>
        <option value="0" selected={f.value !== "1"}>否</option>
      </select>
    );
  }
  if (f.kind === "time") return <input name={f.path} value={f.value} pattern="[0-2][0-9]:[0-5][0-9]" maxlength={5} size={6} required />;
  if (f.kind === "int" || f.kind === "number") return <input name={f.path} value={f.value} type="number" min="0" step={f.kind === "int" ? "1" : "any"} required style="width:8em" />;
  return <input name={f.path} value={f.value} maxlength={200} required />;
}

async function policyPage(c: C, shown: Policy, errors?: string[]) {
  const a = adminCtx(c);
  return adminPage(
    c,
    "提醒与通报策略",
    "policy",
    <>
      <Flash c={c} />
      <Errors errors={errors} />
      <form method="post" action="/admin/policy" class="card">
        <Csrf a={a} />
        <table>
          <tbody>
            {policyFields(shown).map((g) =>
              g.fields.length === 1 && g.fields[0].path === g.key ? (
                <tr>
                  <th style="width:45%">{g.label}</th>
                  <td><Input f={g.fields[0]} /></td>
                </tr>
              ) : (
                <tr>
                  <th>{g.label}</th>
                  <td>
                    {g.fields.map((f) => (
                      <label class="f">
                        <span>{f.label}</span> <Input f={f} />
                      </label>
                    ))}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
        <p><button type="submit">保存策略</button> <span class="muted">保存后，下一次定时任务起生效。</span></p>
      </form>
    </>,
    errors ? 400 : 200,
  );
}

export function policyRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  r.get("/", async (c) => policyPage(c, await loadPolicy(c.get("deps").db)));

  r.post("/", async (c) => {
    const a = adminCtx(c);
    const b = await formOf(c);
    const form = Object.fromEntries(Object.keys(b).map((k) => [k, text(b, k)]));
    const current = await loadPolicy(a.deps.db);
    const parsed = policySchema().safeParse(nestForm(form));
    if (!parsed.success) {
      // Nothing is stored; the page shows the stored policy with the reasons.
      return policyPage(c, current, parsed.error.issues.map((i) => i.message));
    }
    const next = parsed.data as unknown as Record<string, unknown>;
    const cur = current as unknown as Record<string, unknown>;
    const changed = Object.keys(next).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(cur[k]));
    if (changed.length) {
      await saveWithAudit(
        a,
        changed.map((k) => upsertPolicy(a.deps.db, k, next[k], a.now, a.user.userId)),
        "admin.policy.update",
        "policy",
        Object.fromEntries(changed.map((k) => [k, { before: cur[k], after: next[k] }])),
      );
    }
    return c.redirect("/admin/policy?ok=saved", 303);
  });
  return r;
}
