/** The one validation of a person's fields, shared by the 人员 form and the roster import. */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { ROLES } from "../../db/schema.js";
import { rolesProblem } from "../../domain/duties.js";

export const personSchema = z.object({
  userId: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, "账号只能包含字母、数字和 . _ @ -，最长 64 位"),
  name: z.string().min(1, "请填写姓名").max(32, "姓名不超过 32 个字"),
  mobile: z.string().regex(/^\+?[0-9 -]{5,20}$/, "手机号码格式不正确").nullable(),
  unitId: z.number().int().positive().nullable(),
  // DingTalk staff id (issue 15): how a DingTalk sender is recognised; absent = leave as stored.
  dingtalkId: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, "钉钉 ID 只能包含字母、数字和 _ . @ -，最长 64 位").nullable().optional(),
  roles: z.array(z.enum(ROLES)).superRefine((roles, ctx) => {
    const problem = rolesProblem(roles);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
});
