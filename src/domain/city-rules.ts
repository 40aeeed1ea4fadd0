import { GRID_CODE_PATTERN } from './grid-levels.js';
import type { MemberRole } from './roles.js';

/**
 * The rules a grid, a member or a department must satisfy, as functions returning the problem
 * (an English sentence) or null. GridService and MemberService throw BAD_USER_INPUT with it; the
 * city import (services/city-import.service.ts) lists it against the file's line.
 */
export const PHONE_PATTERN = /^\+?[0-9][0-9 -]{4,30}$/;

export const gridCodeProblem = (code: string): string | null =>
  GRID_CODE_PATTERN.test(code) ? null : `grid code ${code} must be letters and digits in dash-separated parts, e.g. XHG-B03-C07`;

export const gridNameProblem = (name: string): string | null => (!name || name.length > 128 ? 'grid name must be 1 to 128 characters' : null);

export const countProblem = (field: 'households' | 'population', v: number | undefined): string | null =>
  v !== undefined && (!Number.isInteger(v) || v < 0) ? `${field} must be a whole number ≥ 0` : null;

export const memberNameProblem = (name: string): string | null => (!name || name.length > 64 ? 'member name must be 1 to 64 characters' : null);

export const phoneProblem = (phone: string | null): string | null => (phone && !PHONE_PATTERN.test(phone) ? `phone ${phone} is not a phone number` : null);

export const departmentNameProblem = (name: string): string | null => (!name || name.length > 64 ? 'department name must be 1 to 64 characters' : null);

/** Only members with role `department` belong to a department, and they must. */
export function memberDepartmentProblem(role: MemberRole, department: string | null | undefined): string | null {
  if (role === 'department') return department ? null : 'a department member needs its department';
  return department ? 'only members with role department belong to a department' : null;
}
