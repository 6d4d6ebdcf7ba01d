import { describe, expect, it } from "vitest";
import { ApiError, toApiError } from "./api";
import { withApprovalAsking } from "./approval";
import type { Field } from "./dialog";
import type { Credentials } from "./generated/Credentials";

/** An ask that answers with `answers` in turn (null: cancelled) and records the titles. */
function scriptedAsk(answers: (string[] | null)[]) {
  const titles: string[] = [];
  const ask = async (title: string, _fields: Field[]) => {
    titles.push(title);
    return answers.shift() ?? null;
  };
  return { ask, titles };
}

describe("approval on the spot", () => {
  it("asks for a supervisor's PIN when the core needs approval, and runs again with it", async () => {
    const tried: (Credentials | null)[] = [];
    const attempt = async (approval: Credentials | null) => {
      tried.push(approval);
      if (!approval) throw new ApiError("needs_approval", "a void needs the pin of a supervisor");
      return "voided";
    };
    const { ask, titles } = scriptedAsk([["Sofia", "2222"]]);
    await expect(withApprovalAsking(attempt, ask, true)).resolves.toBe("voided");
    expect(tried).toEqual([null, { staff: "Sofia", pin: "2222" }]);
    expect(titles).toEqual(["Approval needed: a void needs the pin of a supervisor"]);
  });

  it("asks again after a wrong PIN, and gives up with the first refusal when cancelled", async () => {
    const attempt = async (approval: Credentials | null) => {
      if (!approval) throw new ApiError("needs_approval", "needs a supervisor");
      throw new ApiError("wrong_pin", "wrong pin for Sofia: 4 tries left");
    };
    const { ask, titles } = scriptedAsk([["Sofia", "0000"], null]);
    await expect(withApprovalAsking(attempt, ask, true)).rejects.toMatchObject({ code: "needs_approval" });
    expect(titles[1]).toBe("Approval needed: wrong pin for Sofia: 4 tries left");
  });

  it("does not ask on a till with no staff, nor for other refusals", async () => {
    const { ask, titles } = scriptedAsk([]);
    const needs = async () => Promise.reject(new ApiError("needs_approval", "needs a manager"));
    await expect(withApprovalAsking(needs, ask, false)).rejects.toMatchObject({ code: "needs_approval" });
    const bad = async () => Promise.reject(new ApiError("bad_input", "no"));
    await expect(withApprovalAsking(bad, ask, true)).rejects.toMatchObject({ code: "bad_input" });
    expect(titles).toEqual([]);
  });
});

describe("errors from the core", () => {
  it("keeps the core's code and message, and calls anything else internal", () => {
    expect(toApiError({ code: "no_shift", message: "open a shift first" })).toMatchObject({ code: "no_shift", message: "open a shift first" });
    expect(toApiError("ipc broke")).toMatchObject({ code: "internal", message: "ipc broke" });
  });
});

describe("a short approver PIN", () => {
  it("is changed on the spot and the approval runs with the new PIN", async () => {
    const tried: (Credentials | null)[] = [];
    const attempt = async (approval: Credentials | null) => {
      tried.push(approval);
      if (!approval) throw new ApiError("needs_approval", "a void needs the pin of a supervisor");
      if (approval.pin === "2222") throw new ApiError("pin_change_required", "Sofia's PIN is shorter than 6 digits");
      return "voided";
    };
    const changes: string[][] = [];
    const changePin = async (staff: string, oldPin: string, newPin: string) => {
      if (newPin.length < 6) throw new ApiError("bad_input", "a supervisor's PIN needs at least 6 digits");
      changes.push([staff, oldPin, newPin]);
    };
    const { ask, titles } = scriptedAsk([["Sofia", "2222"], ["27182", "27183"], ["27182", "27182"], ["271828", "271828"]]);
    await expect(withApprovalAsking(attempt, ask, true, changePin)).resolves.toBe("voided");
    expect(changes).toEqual([["Sofia", "2222", "271828"]]);
    expect(tried).toEqual([null, { staff: "Sofia", pin: "2222" }, { staff: "Sofia", pin: "271828" }]);
    expect(titles.slice(1)).toEqual([
      "Sofia's PIN is shorter than 6 digits",
      "The two PINs differ: type the new PIN twice",
      "a supervisor's PIN needs at least 6 digits",
    ]);
  });

  it("gives up with the first refusal when the new PIN is cancelled", async () => {
    const attempt = async (approval: Credentials | null) => {
      if (!approval) throw new ApiError("needs_approval", "needs a supervisor");
      throw new ApiError("pin_change_required", "too short");
    };
    const { ask } = scriptedAsk([["Sofia", "2222"], null]);
    await expect(withApprovalAsking(attempt, ask, true, async () => undefined)).rejects.toMatchObject({ code: "needs_approval" });
  });
});
