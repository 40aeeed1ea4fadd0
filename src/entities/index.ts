import { ApiTokenEntity } from './api-token.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { GridEntity } from './grid.entity.js';
import { MemberEntity } from './member.entity.js';

export { ApiTokenEntity, DepartmentEntity, GridEntity, MemberEntity };

/** Every entity the ORM knows; the migration snapshot is made from these. */
export const ENTITIES = [GridEntity, DepartmentEntity, MemberEntity, ApiTokenEntity];
