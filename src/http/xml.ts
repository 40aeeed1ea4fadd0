import { XMLBuilder } from 'fast-xml-parser';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, format: false, processEntities: true });

/** An XML document from a plain object (`@_name` keys are attributes, arrays repeat their element). */
export const toXml = (doc: Record<string, unknown>): string => `<?xml version="1.0" encoding="UTF-8"?>${builder.build(doc) as string}`;
