/**
 * Accounts (`kinto.plugins.accounts`, contract §7.3): top-level objects that own themselves,
 * with a bcrypt-hashed `password`. Routes and the authentication policy live in plugins/accounts.
 */
import { hash } from "bcryptjs";
import { invalidParameter } from "../errors";
import { splitList } from "../config";
import type { JsonObject } from "../wire";
import type { ResourceSpec, ValidationContext } from "./spec";

export const ACCOUNT_ID_PATTERN = /^[a-zA-Z0-9][+.@a-zA-Z0-9_-]*$/;

/** Kinto's cost; hashes are `$2b$12$…`, interchangeable with Kinto's account data. */
const BCRYPT_ROUNDS = 12;

/** Whether the author is an account administrator (`account_write_principals`). */
export function isAccountAdmin(context: Pick<ValidationContext, "settings" | "author">): boolean {
  const admins = splitList(context.settings.lookup("account_write_principals") ?? "");
  return context.author.principals.some((principal) => admins.includes(principal));
}

function validateAccount(data: JsonObject, context: ValidationContext): JsonObject {
  if (typeof data.id !== "string" || data.id === "") throw invalidParameter("body", "data.id", "Accounts must have an ID.");
  if (typeof data.password !== "string") throw invalidParameter("body", "data.password", "Required");
  const userId = context.author.userId;
  if (userId !== null && !isAccountAdmin(context) && userId !== `account:${data.id}`) {
    throw invalidParameter("body", "data.id", "Username and account ID do not match.");
  }
  return data;
}

export const accountSpec: ResourceSpec = {
  name: "account",
  plural: "accounts",
  permissions: ["read", "write"],
  idPattern: ACCOUNT_ID_PATTERN,
  parentId: () => "",
  parentRef: () => null,
  parentName: null,
  validate: validateAccount,
  listNeedsIdentity: true,
  ownerPermissions: (id) => ({ write: [`account:${id}`] }),
  viewedAs: (id, context) => (context.author.userId === null || isAccountAdmin(context) ? [`account:${id}`] : []),
  async prepareData(data) {
    if (typeof data.password !== "string") return data;
    return { ...data, password: await hash(data.password, BCRYPT_ROUNDS) };
  },
};
