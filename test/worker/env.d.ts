declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Test controls of the fake WeCom API defined in vitest.config.ts (test/helpers/fake-wecom-api.ts). */
    FAKE_WECOM: Fetcher;
    /** Test controls of the fake DingTalk (test/helpers/fake-dingtalk.ts): `/__sent`, `/__signed?ts=&secret=`. */
    FAKE_DINGTALK: Fetcher;
  }
}
