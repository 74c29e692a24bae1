/** Routes a parsed command to its use case in src/handlers/ — one line per command. */
import type { Command } from "./commands.js";
import type { HandlerCtx, Outcome } from "../handlers/context.js";
import { createCase } from "../handlers/create-case.js";
import { acknowledgeCase } from "../handlers/acknowledge.js";
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
import { queryCase } from "../handlers/query-case.js";
import { remarkPhoto } from "../handlers/remark-photo.js";
import { selectCase } from "../handlers/select-case.js";
import { myCases, overdueCases } from "../handlers/list-cases.js";
import { showStats } from "../handlers/stats.js";
import { showHelp } from "../handlers/help.js";
import { loginLink } from "../handlers/login-link.js";

export function route(ctx: HandlerCtx, cmd: Command): Promise<Outcome> {
  switch (cmd.name) {
    case "help": return showHelp(ctx, cmd);
    case "assign": return createCase(ctx, cmd);
    case "acknowledge": return acknowledgeCase(ctx, cmd);
    case "return": return returnCase(ctx, cmd);
    case "reassign": return reassignCase(ctx, cmd);
    case "assign_officer": return assignOfficer(ctx, cmd);
    case "progress": return reportProgress(ctx, cmd);
    case "request_extension": return requestExtension(ctx, cmd);
    case "approve_extension":
    case "refuse_extension": return decideExtension(ctx, cmd);
    case "submit_closure": return submitClosure(ctx, cmd);
    case "approve_closure":
    case "reject_closure": return decideClosure(ctx, cmd);
    case "flag":
    case "unflag": return flagCase(ctx, cmd);
    case "chase": return chaseCase(ctx, cmd);
    case "patrol": return patrolCase(ctx, cmd);
    case "cancel": return cancelCase(ctx, cmd);
    case "query": return queryCase(ctx, cmd);
    case "remark_photo": return remarkPhoto(ctx, cmd);
    case "select": return selectCase(ctx, cmd);
    case "mine": return myCases(ctx);
    case "overdue": return overdueCases(ctx);
    case "stats": return showStats(ctx);
    case "login": return loginLink(ctx);
  }
}
