/** Incident categories of docs/bot-language.md#categories: stable ids and the Chinese labels grid workers use. */
export const CATEGORIES = [
  { id: 'sanitation', label: '环境卫生' },
  { id: 'street_order', label: '市容秩序' },
  { id: 'safety_hazard', label: '安全隐患' },
  { id: 'facility', label: '设施损坏' },
  { id: 'dispute', label: '矛盾纠纷' },
  { id: 'illegal_construction', label: '违法建设' },
  { id: 'public_security', label: '社会治安' },
  { id: 'market', label: '市场监管' },
  { id: 'epidemic', label: '疫情防控' },
  { id: 'livelihood', label: '民生服务' },
  { id: 'other', label: '其他' },
] as const;

export type CategoryId = (typeof CATEGORIES)[number]['id'];

export const CATEGORY_IDS: readonly CategoryId[] = CATEGORIES.map((c) => c.id);

const byLabel = new Map<string, CategoryId>(CATEGORIES.map((c) => [c.label, c.id]));
const byId = new Map<string, string>(CATEGORIES.map((c) => [c.id, c.label]));

export const isCategoryId = (value: string): value is CategoryId => byId.has(value);
export const categoryLabel = (id: CategoryId): string => byId.get(id) ?? id;
/** The category whose Chinese label is exactly `label` (as in a `【安全隐患】` tag). */
export const categoryByLabel = (label: string): CategoryId | undefined => byLabel.get(label.trim());
