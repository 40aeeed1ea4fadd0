import { ApiTokenEntity } from './api-token.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { GridEntity } from './grid.entity.js';
import { IncidentDaySeqEntity } from './incident-day-seq.entity.js';
import { IncidentEscalationEntity } from './incident-escalation.entity.js';
import { IncidentEventEntity } from './incident-event.entity.js';
import { IncidentEntity } from './incident.entity.js';
import { MemberEntity } from './member.entity.js';

export { ApiTokenEntity, DepartmentEntity, GridEntity, IncidentDaySeqEntity, IncidentEntity, IncidentEscalationEntity, IncidentEventEntity, MemberEntity };

/** Every entity the ORM knows; the migration snapshot is made from these. */
export const ENTITIES = [GridEntity, DepartmentEntity, MemberEntity, ApiTokenEntity, IncidentEntity, IncidentEventEntity, IncidentDaySeqEntity, IncidentEscalationEntity];
