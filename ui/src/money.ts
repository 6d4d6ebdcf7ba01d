// Formatting only: money arrives from the core as integer minor units and is turned into text by
// string operations (no floating point), then localised by Intl.NumberFormat.

import type { Currency } from "./generated/Currency";

/** The store's currency as the core describes it (ISO code and minor digits). */
export type CurrencyInfo = Currency;

/** "1234" with 2 digits -> "12.34"; "-5" -> "-0.05". Exact for any safe integer. */
export function minorToDecimalString(minor: number, digits: number): string {
  if (!Number.isSafeInteger(minor)) throw new Error(`not an integer amount: ${minor}`);
  const negative = minor < 0;
  const abs = String(Math.abs(minor));
  if (digits === 0) return (negative ? "-" : "") + abs;
  const padded = abs.padStart(digits + 1, "0");
  const whole = padded.slice(0, padded.length - digits);
  const fraction = padded.slice(padded.length - digits);
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

/** Formats minor units for display, e.g. 1255 EUR -> "€12.55" (locale dependent). */
export function formatMoney(minor: number, currency: CurrencyInfo, locale?: string): string {
  const decimal = minorToDecimalString(minor, currency.minor_digits);
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currency.code,
    minimumFractionDigits: currency.minor_digits,
    maximumFractionDigits: currency.minor_digits,
  });
  // Intl accepts exact decimal strings (ES2023); older engines convert, which is exact for the
  // amounts a till handles (well under 2^53 minor units).
  return format.format(decimal as unknown as number);
}
