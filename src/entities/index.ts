import { ApiTokenEntity } from './api-token.entity.js';
import { BindAlertEntity } from './bind-alert.entity.js';
import { BindCodeEntity } from './bind-code.entity.js';
import { BotAccountEntity } from './bot-account.entity.js';
import { BotInstanceEntity } from './bot-instance.entity.js';
import { ChatGroupAccountEntity } from './chat-group-account.entity.js';
import { ChannelMessageEntity } from './channel-message.entity.js';
import { ChatGroupEntity } from './chat-group.entity.js';
import { ClearanceRoundEntity } from './clearance-round.entity.js';
import { ClearanceSlotEntity } from './clearance-slot.entity.js';
import { DepartmentEntity } from './department.entity.js';
import { GridChannelEntity } from './grid-channel.entity.js';
import { DepartmentEscalationEntity } from './department-escalation.entity.js';
import { IncidentDepartmentEntity } from './incident-department.entity.js';
import { IncidentVerdictEntity } from './incident-verdict.entity.js';
import { GridEntity } from './grid.entity.js';
import { IncidentDaySeqEntity } from './incident-day-seq.entity.js';
import { IncidentEscalationEntity } from './incident-escalation.entity.js';
import { IncidentEventEntity } from './incident-event.entity.js';
import { IncidentEntity } from './incident.entity.js';
import { ClearanceRollupEntity, IncidentCloseRollupEntity, IncidentRollupEntity, StatsSettingEntity } from './incident-rollup.entity.js';
import { InstructionAnswerEntity } from './instruction-answer.entity.js';
import { InstructionDaySeqEntity } from './instruction-day-seq.entity.js';
import { InstructionReceiptEntity } from './instruction-receipt.entity.js';
import { InstructionUpdateEntity } from './instruction-update.entity.js';
import { InstructionEntity } from './instruction.entity.js';
import { InboundMessageEntity } from './inbound-message.entity.js';
import { MemberContactEntity } from './member-contact.entity.js';
import { MemberEntity } from './member.entity.js';
import { OutboxMessageEntity } from './outbox-message.entity.js';
import { PhotoEntity } from './photo.entity.js';
import { QueuedMessageEntity } from './queued-message.entity.js';

export {
  ApiTokenEntity,
  BindAlertEntity,
  BindCodeEntity,
  BotAccountEntity,
  BotInstanceEntity,
  ChatGroupAccountEntity,
  ChannelMessageEntity,
  ChatGroupEntity,
  ClearanceRoundEntity,
  ClearanceSlotEntity,
  DepartmentEntity,
  GridChannelEntity,
  DepartmentEscalationEntity,
  GridEntity,
  IncidentDaySeqEntity,
  IncidentDepartmentEntity,
  IncidentEntity,
  IncidentEscalationEntity,
  IncidentEventEntity,
  IncidentVerdictEntity,
  InboundMessageEntity,
  InstructionAnswerEntity,
  InstructionDaySeqEntity,
  InstructionEntity,
  InstructionReceiptEntity,
  InstructionUpdateEntity,
  MemberContactEntity,
  MemberEntity,
  OutboxMessageEntity,
  PhotoEntity,
  IncidentRollupEntity,
  IncidentCloseRollupEntity,
  ClearanceRollupEntity,
  StatsSettingEntity,
};

/** Every entity the ORM knows; the migration snapshot is made from these. */
export const ENTITIES = [
  QueuedMessageEntity,
  GridEntity,
  DepartmentEntity,
  MemberEntity,
  ApiTokenEntity,
  IncidentEntity,
  IncidentEventEntity,
  IncidentDaySeqEntity,
  IncidentEscalationEntity,
  ChatGroupEntity,
  MemberContactEntity,
  BindCodeEntity,
  InboundMessageEntity,
  OutboxMessageEntity,
  BotAccountEntity,
  BotInstanceEntity,
  ChatGroupAccountEntity,
  ClearanceRoundEntity,
  ClearanceSlotEntity,
  InstructionEntity,
  InstructionReceiptEntity,
  InstructionAnswerEntity,
  InstructionUpdateEntity,
  InstructionDaySeqEntity,
  GridChannelEntity,
  ChannelMessageEntity,
  PhotoEntity,
  BindAlertEntity,
  IncidentDepartmentEntity,
  IncidentVerdictEntity,
  DepartmentEscalationEntity,
  IncidentRollupEntity,
  IncidentCloseRollupEntity,
  ClearanceRollupEntity,
  StatsSettingEntity,
];
