import { commandHelp, helpText } from '../../domain/chat/index.js';
import { ROLE_LABELS, type ActorRole } from '../../domain/roles.js';

/** Replies about the bot itself: bindings, help, and what it says when it cannot act. */

/** The bot's name in the demo world and the `gridhub chat` console. */
export const BOT_NAME = '网格助手';

/** A demo grid's mock group is called after its grid: `桂花堰社区网格群`. */
export const DEMO_GROUP_SUFFIX = '网格群';

/** The resident who speaks in a demo grid's group. */
export const demoResidentName = (gridName: string): string => `居民${gridName.slice(0, 8)}`;

/** What `gridhub chat` prints first on a terminal. */
export const chatConsoleIntro = (grid: string, speaker: string): string =>
  `在 ${grid} 群里以「${speaker}」发言；#帮助 查看指令，/image 文件 发照片，/location 纬度,经度 名称 发位置，/as 名字 换人，/quit 退出`;

export const bindContactText = (name: string, gridCode: string | null, role: ActorRole): string =>
  `绑定成功：${name}，${gridCode} ${role === 'resident' ? '' : ROLE_LABELS[role]}`;

export const bindGroupText = (grid: { code: string; name: string }): string => `本群已绑定 ${grid.code} ${grid.name}，上报、签收、日清都在本群办理`;

/** `#帮助`: the command table, printed from the chat vocabulary. */
export const helpReplyText = (): string => helpText();

/** A `#word` the bot does not know. */
export const unknownCommandText = (): string => `没看懂这个指令。上报请发：${commandHelp('report')!.usage}，全部用法发 #帮助`;

export const GROUP_NOT_BOUND = '本群还没绑定网格，请网格长发送：#绑定群 网格编码';

/** A grid's command (上报、签收、日清 …) sent in a direct message or a department's group. */
export const GROUP_ONLY = '请在所属网格群里发送；这里可发：#接单、#退回、#办结、#进度、#满意/#不满意';

export const bindDepartmentGroupText = (department: string): string => `本群已绑定为${department}部门群，派单通知发到本群，可在本群 #接单、#退回、#办结`;

export const CONTACT_NOT_BOUND = '请先绑定：向管理员要绑定码，发送 #绑定 绑定码';

export const INTERNAL_ERROR = '系统出错，已记录，请稍后再发一次';
