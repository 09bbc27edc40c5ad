// What the person working now may do: the core's list (`Identity.actions`), kept
// here so screens can leave out what would be refused. The core checks every action
// again; hiding a button is a courtesy, never the protection.
let actions: string[] = [];

export function setActions(list: string[]) {
  actions = list;
}

export function may(action: string): boolean {
  return actions.includes(action);
}
