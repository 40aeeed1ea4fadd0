/** The chat parser's public API: the vocabulary, the category dictionary and the parser. */
export {
  CHAT_COMMANDS,
  COMMAND_HELP,
  COMMAND_KEYWORDS,
  GRADE_FORMS,
  OUTCOME_FORMS,
  SATISFACTION_FORMS,
  URGENT_TAGS,
  commandHelp,
  helpText,
  keywordsOf,
  matchBareKeyword,
  matchHashKeyword,
  type ChatCommand,
  type ChatGrade,
  type ChatPeriod,
  type CommandHelp,
  type CommandKeyword,
  type RefKind,
} from './chat-commands.js';
export { CATEGORY_KEYWORDS, classifyCategory, scoreCategories, type CategoryKeywords } from './category-dictionary.js';
export {
  MAX_PARSE_CHARS,
  describeParsed,
  dictionaryCategorise,
  parseMessage,
  type Categorise,
  type CategoryVerdict,
  type ParsedMessage,
} from './parse-message.js';
export { categoriseWith, type CategoryGuess } from './category-classifier.js';
export { normaliseChatText, warmUpNormaliser } from './normalise.js';
