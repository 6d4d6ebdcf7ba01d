import { describe, expect, it } from "vitest";
import type { SyncStatus } from "./generated/SyncStatus";
import { describeStatus } from "./status";
import { percent } from "./receipt";

const eur = { code: "EUR", minor_digits: 2 };
const base: SyncStatus = {
  enrolled: true,
  hq_url: "http://hq",
  online: true,
  offline_since: null,
  last_attempt_at: null,
  last_success_at: null,
  last_error: null,
  pending_sales: 0,
  pending_amount: 0,
  pending_other: 0,
  catalogue_version: 1,
  catalogue_skipped: 0,
};

describe("describeStatus", () => {
  it("says online and that everything is at head office", () => {
    const d = describeStatus(base, eur);
    expect([d.state, d.label]).toEqual(["online", "Online"]);
    expect(d.pending).toBe("All sales at head office");
  });

  it("counts returns and pickups that are not at head office yet", () => {
    expect(describeStatus({ ...base, pending_other: 1 }, eur).pending).toBe("1 return/pickup not yet at head office");
    const both = describeStatus({ ...base, pending_sales: 2, pending_amount: 500, pending_other: 3 }, eur).pending;
    expect(both).toContain("2 sales");
    expect(both).toContain("3 returns/pickups");
  });

  it("says offline since when, and what is waiting", () => {
    const d = describeStatus({ ...base, online: false, offline_since: "2026-11-23T10:15:00Z", pending_sales: 3, pending_amount: 1250 }, eur);
    expect(d.state).toBe("offline");
    expect(d.label).toMatch(/^Offline since /);
    expect(d.pending).toContain("3 sales");
    expect(d.pending).toContain("12.50");
  });

  it("says how many catalogue rows the till could not apply", () => {
    expect(describeStatus({ ...base, catalogue_skipped: 2 }, eur).pending).toBe("All sales at head office · 2 catalogue rows skipped");
    expect(describeStatus({ ...base, catalogue_skipped: 1 }, eur).pending).toContain("1 catalogue row skipped");
  });

  it("shows nothing pending for a stand-alone till", () => {
    const d = describeStatus({ ...base, enrolled: false, online: false }, eur);
    expect([d.state, d.pending]).toEqual(["standalone", ""]);
  });
});

describe("percent", () => {
  it.each([[2100, "21%"], [825, "8.25%"], [950, "9.5%"], [0, "0%"]])("%i bp is %s", (bp, want) => {
    expect(percent(bp)).toBe(want);
  });
});
