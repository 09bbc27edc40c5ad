// How many idle minutes before the app locks itself: a setting of this laptop (the
// window's storage), 10 unless the lead set another.
const KEY = "kopa-idle-minutes";
export const DEFAULT_IDLE_MINUTES = 10;

export function idleMinutes(): number {
  try {
    const n = Number(localStorage.getItem(KEY));
    if (Number.isInteger(n) && n >= 1 && n <= 240) return n;
  } catch {
    /* storage unavailable: default */
  }
  return DEFAULT_IDLE_MINUTES;
}

/** Keeps a whole number of minutes from 1 to 240; whether it was one. */
export function setIdleMinutes(text: string): boolean {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 1 || n > 240) return false;
  try {
    localStorage.setItem(KEY, String(n));
  } catch {
    return false;
  }
  return true;
}

const LOCKED = "kopa-locked-idle";

/** Notes that the app locked itself, for the unlock screen to say why. */
export function markLockedIdle() {
  try {
    sessionStorage.setItem(LOCKED, "1");
  } catch {
    /* storage unavailable: the unlock screen just does not explain */
  }
}

/** Whether the app locked itself since the last unlock (and forgets it). */
export function takeLockedIdle(): boolean {
  try {
    const was = sessionStorage.getItem(LOCKED) === "1";
    sessionStorage.removeItem(LOCKED);
    return was;
  } catch {
    return false;
  }
}
