/**
 * Routes a parsed command to its use case in src/handlers/ — one line per command. The chat grammar ends here:
 * names typed in chat (units, people, the 督办 leader) become ids through src/handlers/resolve.ts, and each use
 * case gets its own plain input.
 */
import type { Command } from "./commands.js";
import type { HandlerCtx, Outcome } from "../handlers/context.js";
import { createCase } from "../handlers/create-case.js";
import { returnCase } from "../handlers/return-case.js";
import { reassignCase } from "../handlers/reassign.js";
import { assignOfficer } from "../handlers/assign-officer.js";
import { reportProgress } from "../handlers/report-progress.js";
import { requestExtension } from "../handlers/request-extension.js";
import { decideExtension } from "../handlers/decide-extension.js";
import { submitClosure } from "../handlers/submit-closure.js";
import { decideClosure } from "../handlers/decide-closure.js";
import { flagCase } from "../handlers/flag.js";
import { chaseCase } from "../handlers/chase.js";
import { patrolCase } from "../handlers/patrol.js";
import { cancelCase } from "../handlers/cancel-case.js";
import { remarkPhoto } from "../handlers/remark-photo.js";
import { selectCase } from "../handlers/select-case.js";
import { myCases, overdueCases } from "../handlers/list-cases.js";
import { showStats } from "../handlers/stats.js";
import { showHelp } from "../handlers/help.js";
import { loginLink } from "../handlers/login-link.js";
import { holdAccountable } from "../handlers/hold-accountable.js";
import { mergeCase } from "../handlers/merge-case.js";
import { unmergeCase } from "../handlers/unmerge-case.js";
import { markNotDuplicate } from "../handlers/not-duplicate.js";
import { withSimilar } from "./route-similar.js";
import { acknowledgeMany, queryMany } from "./route-many.js";
import { assignTargets, resolveOfficer, resolveReassignUnit } from "../handlers/resolve.js";

export async function route(ctx: HandlerCtx, cmd: Command): Promise<Outcome> {
  const none = { ctx, input: {} };
  switch (cmd.name) {
    case "help": return showHelp({ ctx, input: { topic: cmd.topic } });
    case "assign": {
      const { leadUnit, coUnits, leader, name: _, ...rest } = cmd;
      const out = await createCase({ ctx, input: { ...rest, ...(await assignTargets(ctx, { leadUnit, coUnits, leader })) } });
      return withSimilar(ctx, { content: cmd.content, address: cmd.address, area: cmd.area }, out);
    }
    case "acknowledge": return acknowledgeMany(ctx, [cmd.ref, ...(cmd.more ?? [])], cmd.casual === true);
    case "return": return returnCase({ ctx, input: { ref: cmd.ref, reason: cmd.reason } });
    case "reassign": return reassignCase({ ctx, input: { ref: cmd.ref, unitId: await resolveReassignUnit(ctx, cmd.ref, cmd.unit) } });
    case "assign_officer": return assignOfficer({ ctx, input: { ref: cmd.ref, userId: await resolveOfficer(ctx, cmd.ref, cmd.person) } });
    case "progress": return reportProgress({ ctx, input: { ref: cmd.ref, text: cmd.text, phase: cmd.phase } });
    case "request_extension": return requestExtension({ ctx, input: { ref: cmd.ref, deadline: cmd.deadline, reason: cmd.reason } });
    case "approve_extension": return decideExtension({ ctx, input: { ref: cmd.ref, approve: true } });
    case "refuse_extension": return decideExtension({ ctx, input: { ref: cmd.ref, approve: false, reason: cmd.reason } });
    case "submit_closure": return submitClosure({ ctx, input: { ref: cmd.ref, fields: cmd.fields } });
    case "approve_closure": return decideClosure({ ctx, input: { ref: cmd.ref, approve: true, note: cmd.note } });
    case "reject_closure": return decideClosure({ ctx, input: { ref: cmd.ref, approve: false, reason: cmd.reason } });
    case "flag": return flagCase({ ctx, input: { ref: cmd.ref, on: true } });
    case "unflag": return flagCase({ ctx, input: { ref: cmd.ref, on: false } });
    case "chase": return chaseCase({ ctx, input: { ref: cmd.ref } });
    case "patrol": return patrolCase({ ctx, input: { ref: cmd.ref, result: cmd.result, note: cmd.note } });
    case "cancel": return cancelCase({ ctx, input: { ref: cmd.ref, reason: cmd.reason } });
    case "hold_accountable": return holdAccountable({ ctx, input: { ref: cmd.ref, action: cmd.action, text: cmd.text } });
    case "merge": return mergeCase({ ctx, input: { ref: cmd.ref, into: cmd.into } });
    case "not_duplicate": return markNotDuplicate({ ctx, input: { ref: cmd.ref, other: cmd.other } });
    case "unmerge": return unmergeCase({ ctx, input: { ref: cmd.ref } });
    case "query": return queryMany(ctx, [cmd.ref, ...(cmd.more ?? [])]);
    case "remark_photo": return remarkPhoto({ ctx, input: { ref: cmd.ref, nos: cmd.nos, phase: cmd.phase } });
    case "select": return selectCase({ ctx, input: { ref: cmd.ref } });
    case "mine": return myCases(none);
    case "overdue": return overdueCases(none);
    case "stats": return showStats(none);
    case "login": return loginLink(none);
  }
}
