/**
 * Slot for the notifications bell in the header (left of the user menu).
 * Renders nothing until the notifications feature fills it in.
 */
export function Bell() {
  return null;
}

export default Bell;
