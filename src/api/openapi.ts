/** The OpenAPI 3.1 document of /api/v1, written by hand (no generator dependency); a test checks it lists every route. */
import { CASE_STATES, POLLUTION_TYPES, PRIORITIES, SOURCES } from "../db/schema.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown, description: string) => ({ description, content: { "application/json": { schema } } });
const errors = {
  "400": json(ref("Error"), "参数校验失败（error = VALIDATION，issues 列出每个字段）"),
  "401": json(ref("Error"), "未提供或提供了无效的 API 令牌"),
  "403": json(ref("Error"), "令牌角色无权调用此接口"),
};
const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, "null"], ...extra });
const named = { type: "object", properties: { id: { type: "integer" }, name: nullable("string") }, required: ["id", "name"] };
const person = { type: ["object", "null"], properties: { userId: { type: "string" }, name: nullable("string") } };
const figures = {
  type: "object",
  properties: Object.fromEntries(["total", "closed", "staged", "open", "overdue", "closedOnTime", "rebounds"].map((k) => [k, { type: "integer" }]).concat([["completionRate", { type: "number" }], ["onTimeRate", { type: "number" }]])),
};
const q = (name: string, description: string, schema: unknown = { type: "string" }) => ({ name, in: "query", required: false, description, schema });
const idParam = { name: "id", in: "path", required: true, description: "案件号（#后的数字）", schema: { type: "integer", minimum: 1 } };

const caseSchema = {
  type: "object",
  description: "一件交办件。时间均为 ISO 8601（UTC）；不含举报人信息。",
  properties: {
    id: { type: "integer" }, externalNo: nullable("string", { description: "受理编号" }), source: { type: "string", enum: SOURCES },
    batch: { type: ["object", "null"], properties: { id: { type: "integer" }, name: { type: "string" }, receivedOn: { type: "string", format: "date" } } },
    title: { type: "string" }, content: { type: "string", description: "交办问题基本情况" }, address: nullable("string"), area: nullable("string", { description: "行政区域" }),
    pollutionTypes: { type: "array", items: { type: "string", enum: POLLUTION_TYPES } }, categories: { type: "array", items: { type: "string" } },
    leadUnit: { ...named, type: ["object", "null"] }, coUnits: { type: "array", items: named }, officer: person, leader: person,
    priority: { type: "string", enum: PRIORITIES }, flagged: { type: "boolean", description: "挂牌督办" },
    state: { type: "string", enum: CASE_STATES }, stateLabel: { type: "string" }, overdue: { type: "boolean" },
    ackBy: nullable("string", { format: "date-time" }), dueAt: nullable("string", { format: "date-time" }), acknowledgedAt: nullable("string", { format: "date-time" }),
    submittedAt: nullable("string", { format: "date-time" }), closedAt: nullable("string", { format: "date-time" }), outcome: { enum: ["closed", "staged", null] },
    milestoneAt: nullable("string", { format: "date-time" }), returnCount: { type: "integer" }, reboundCount: { type: "integer" },
    closure: { type: "object", description: "四不放过", additionalProperties: true },
    createdAt: { type: "string", format: "date-time" }, updatedAt: { type: "string", format: "date-time" }, version: { type: "integer" },
  },
  required: ["id", "source", "title", "content", "state", "createdAt"],
};

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: { title: "督办 Duban REST API", version: "1.0.0", description: "交办件、单位、人员、统计。使用 `Authorization: Bearer <令牌>`（`duban token create` 生成）。错误信息为中文。" },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
    paths: {
      "/openapi.json": { get: { summary: "本文档", security: [], responses: { "200": json({ type: "object" }, "OpenAPI 3.1 文档") } } },
      "/cases": {
        get: {
          summary: "案件列表（与台账相同的筛选）",
          parameters: [
            q("batch", "批次 id", { type: "integer" }), q("source", "来源", { type: "string", enum: SOURCES }), q("unit", "牵头单位 id", { type: "integer" }),
            q("state", "状态", { type: "string", enum: CASE_STATES }), q("type", "污染类型", { type: "string", enum: POLLUTION_TYPES }),
            q("overdue", "1 = 仅逾期，0 = 仅未逾期", { type: "string", enum: ["1", "0"] }), q("flagged", "1 = 仅挂牌", { type: "string", enum: ["1", "0"] }), q("repeat", "1 = 仅重复/反复投诉（有并案的案件），0 = 仅无", { type: "string", enum: ["1", "0"] }),
            q("q", "搜索问题内容、地址、受理编号和进展备注：以空格分隔的词须全部出现；只用前 5 个词"), q("page", "页码", { type: "integer", minimum: 1 }), q("pageSize", "每页条数（≤ 200，默认 50）", { type: "integer", minimum: 1, maximum: 200 }),
          ],
          responses: { "200": json({ type: "object", properties: { items: { type: "array", items: ref("Case") }, total: { type: "integer" }, page: { type: "integer" }, pageSize: { type: "integer" }, pages: { type: "integer" } } }, "一页案件，挂牌案件在前"), ...errors },
        },
        post: {
          summary: "交办新案件（与群聊「交办」命令相同的流程：校验权限、匹配单位、计算时限、通知承办单位、记审计）",
          requestBody: { required: true, content: { "application/json": { schema: ref("NewCase") } } },
          responses: { "201": json(ref("CreatedCase"), "已创建；similar 列出疑似重复的原案件（最多 3 件，按相似度）"), ...errors, "422": json(ref("Error"), "单位不存在、日期无效、受理编号重复等") },
        },
      },
      "/cases/{id}": { get: { summary: "一件案件", parameters: [idParam], responses: { "200": json(ref("Case"), "案件"), "404": json(ref("Error"), "不存在或不在查看范围内"), ...errors } } },
      "/cases/{id}/events": {
        get: {
          summary: "案件办理过程（时间线）",
          parameters: [idParam],
          responses: { "200": json({ type: "object", properties: { items: { type: "array", items: ref("Event") } } }, "时间线，按时间先后"), "404": json(ref("Error"), "不存在或不在查看范围内"), ...errors },
        },
      },
      "/units": { get: { summary: "单位", responses: { "200": json({ type: "object", properties: { items: { type: "array", items: ref("Unit") } } }, "全部单位"), ...errors } } },
      "/people": { get: { summary: "人员（不含联系方式）", responses: { "200": json({ type: "object", properties: { items: { type: "array", items: ref("Person") } } }, "在职人员"), ...errors } } },
      "/stats": { get: { summary: "办理情况统计（单位令牌只见本单位）", responses: { "200": json(ref("Stats"), "总数、完成率、逾期、反弹；各单位排名；按来源"), ...errors } } },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "dbn_ 开头的 API 令牌" } },
      schemas: {
        Error: { type: "object", properties: { error: { type: "string" }, message: { type: "string" }, issues: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } } }, required: ["error", "message"] },
        Case: caseSchema,
        Similar: {
          type: "object",
          description: "疑似重复的原案件（问题 13）：按地点（门牌、店名、道路）和文字相似度匹配；已撤销的案件和已标为「不是重复」的不列出",
          properties: {
            id: { type: "integer" }, title: { type: "string" }, state: { type: "string", enum: CASE_STATES }, closedAt: nullable("string", { format: "date-time" }),
            unit: nullable("string", { description: "牵头单位名称" }), area: nullable("string", { description: "行政区域" }),
            score: { type: "number", minimum: 0, description: "相似度，≥ 0.6 才列出" }, reasons: { type: "array", items: { type: "string" }, description: "匹配理由，如「同一门牌：大安西路18号」" },
          },
          required: ["id", "title", "state", "closedAt", "unit", "score", "reasons"],
        },
        CreatedCase: {
          allOf: [ref("Case"), { type: "object", properties: { similar: { type: "array", items: ref("Similar"), maxItems: 3, description: "疑似重复；可用「并案 #新 到 #原」或「不是重复 #新」处理" } }, required: ["similar"] }],
        },
        NewCase: {
          type: "object",
          additionalProperties: false,
          required: ["content", "leadUnit"],
          properties: {
            content: { type: "string", minLength: 4, maxLength: 5000 }, leadUnit: { type: "string", description: "牵头单位名称或简称" },
            coUnits: { type: "array", items: { type: "string" }, maxItems: 10 }, externalNo: { type: "string" }, source: { type: "string", enum: SOURCES, default: "12345" },
            dueDate: { type: "string", format: "date", description: "办理时限（与 workingDays 二选一；默认按策略）" }, workingDays: { type: "integer", minimum: 1, maximum: 365 },
            priority: { type: "string", enum: PRIORITIES, default: "normal" }, leader: { type: "string", description: "包案领导" }, area: { type: "string" }, address: { type: "string" },
            complainant: { type: "string", maxLength: 100, description: "来电人姓名和联系方式：单独保存，不进标题和群消息，凭理由查看（R40）" },
            pollutionTypes: { type: "array", items: { type: "string", enum: POLLUTION_TYPES } },
          },
        },
        Event: { type: "object", properties: { id: { type: "integer" }, at: { type: "string", format: "date-time" }, kind: { type: "string" }, kindLabel: { type: "string" }, actor: person, text: nullable("string"), data: { type: ["object", "null"] } } },
        Unit: { type: "object", properties: { id: { type: "integer" }, name: { type: "string" }, kind: { type: "string", enum: ["street", "department", "office"] }, aliases: { type: "array", items: { type: "string" } }, active: { type: "boolean" } } },
        Person: { type: "object", properties: { userId: { type: "string" }, name: { type: "string" }, unit: { ...named, type: ["object", "null"] }, roles: { type: "array", items: { type: "string" } } } },
        Figures: figures,
        Stats: { type: "object", properties: { at: { type: "string", format: "date-time" }, totals: ref("Figures"), units: { type: "array", items: { allOf: [ref("Figures"), { type: "object", properties: { rank: nullable("integer", { description: "名次；应结件不足 ranking.minCases 件的单位为 null（仍列出）" }), unit: named, due: { type: "integer", description: "应结件：已办结＋逾期未结" }, onTimeShare: nullable("number"), score: nullable("number", { description: "按期办结数/应结件数的威尔逊下限（90%），0–1" }), card: nullable("string", { enum: ["red", "yellow", "green", null] }) } }] } }, ranking: { type: "object", properties: { minCases: { type: "integer" }, cards: { type: "object", properties: { red: { type: "number" }, yellow: { type: "number" } } }, note: { type: "string" } } }, bySource: { type: "array", items: { allOf: [ref("Figures"), { type: "object", properties: { source: nullable("string") } }] } } } },
      },
    },
  };
}
