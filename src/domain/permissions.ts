/** Who may do what (spec §1), decided from stored roles and units only — never from message text (R14). */
import type { Role } from "./codes.js";
import type { CaseAction } from "./lifecycle.js";

export type ActorLike = { roles: readonly Role[]; unitId: number | null };
export type CaseLike = { leadUnitId: number | null; coUnitIds: readonly number[] };

const has = (a: ActorLike, ...roles: Role[]) => roles.some((r) => a.roles.includes(r));
const isOffice = (a: ActorLike) => has(a, "dispatcher", "leader");
const inLead = (a: ActorLike, c: CaseLike) => a.unitId !== null && a.unitId === c.leadUnitId;
const inCo = (a: ActorLike, c: CaseLike) => a.unitId !== null && c.coUnitIds.includes(a.unitId);

/** May the actor create cases (交办)? */
export const canCreate = (a: ActorLike) => isOffice(a);

/** May the actor see this case at all (own scope)? */
export function canView(a: ActorLike, c: CaseLike): boolean {
  return has(a, "dispatcher", "leader", "accountability", "admin") || (has(a, "unit_head", "officer") && (inLead(a, c) || inCo(a, c)));
}

/** May the actor see every unit's figures (统计, 逾期 across units)? */
export const seesAll = (a: ActorLike) => has(a, "dispatcher", "leader", "accountability", "admin");

export function canDo(a: ActorLike, action: CaseAction, c: CaseLike): boolean {
  switch (action) {
    case "view":
      return canView(a, c);
    case "acknowledge":
    case "submit_closure":
      return has(a, "unit_head", "officer") && inLead(a, c);
    case "return":
    case "assign_officer":
    case "request_extension":
      return has(a, "unit_head") && inLead(a, c);
    case "progress":
      return has(a, "unit_head", "officer") && (inLead(a, c) || inCo(a, c));
    case "patrol":
      return isOffice(a) || (has(a, "unit_head", "officer") && inLead(a, c));
    case "reassign":
    case "edit_fields":
    case "chase":
    case "cancel":
    case "merge":
    case "mark_not_duplicate":
      return isOffice(a);
    case "hold_accountable":
      return has(a, "accountability", "leader");
    case "decide_extension":
    case "approve_closure":
    case "reject_closure":
    case "flag":
    case "unmerge":
      return has(a, "leader");
  }
}

/** Who may do it, in words, for the denial reply. */
export const WHO_MAY: Record<CaseAction, string> = {
  view: "督办员、领导、问责组及承办单位人员",
  acknowledge: "牵头单位的负责人或责任人",
  submit_closure: "牵头单位的负责人或责任人",
  return: "牵头单位负责人",
  assign_officer: "牵头单位负责人",
  request_extension: "牵头单位负责人",
  progress: "牵头或配合单位的负责人、责任人",
  patrol: "督办员、领导或牵头单位人员",
  reassign: "督办员或领导",
  chase: "督办员或领导",
  cancel: "督办员或领导",
  decide_extension: "领导",
  approve_closure: "领导",
  reject_closure: "领导",
  flag: "领导",
  hold_accountable: "问责组或领导",
  edit_fields: "督办员或领导",
  merge: "督办员或领导",
  mark_not_duplicate: "督办员或领导",
  unmerge: "领导",
};
