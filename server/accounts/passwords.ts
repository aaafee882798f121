import { randomInt } from "node:crypto";

// No 0/o, 1/l/i: the password is read aloud or copied from a phone screen.
const LETTERS = "abcdefghjkmnpqrstuvwxyz";
const DIGITS = "23456789";
const ALPHABET = LETTERS + DIGITS;

/**
 * An initial or temporary password: 12 characters (≈ 60 bits), with letters and digits so it
 * meets the password rule. It is returned once to the organiser and never stored in clear or logged.
 */
export function generatePassword(length = 12): string {
  const chars = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]!);
  // Guarantee both kinds at random positions rather than retrying.
  const letterAt = randomInt(length);
  let digitAt = randomInt(length - 1);
  if (digitAt >= letterAt) digitAt += 1;
  chars[letterAt] = LETTERS[randomInt(LETTERS.length)]!;
  chars[digitAt] = DIGITS[randomInt(DIGITS.length)]!;
  return chars.join("");
}
