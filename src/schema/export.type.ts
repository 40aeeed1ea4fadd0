import { Field, Int, ObjectType } from 'type-graphql';
import { TABLE_FORMATS } from '../infra/spreadsheet.js';
import { EXPORT_KINDS } from '../repositories/export.repository.js';
import type { ExportFile } from '../services/export.service.js';
import { enumOf, type EnumValue } from './enums.js';

export const ExportKindEnum = enumOf(EXPORT_KINDS, { name: 'ExportKind', description: 'What an export holds: incidents, instruction receipts or clearance records.' });
export type ExportKindEnum = EnumValue<typeof ExportKindEnum>;

export const ExportFormatEnum = enumOf(TABLE_FORMATS, { name: 'ExportFormat', description: 'CSV (UTF-8 with a byte-order mark, for Excel) or XLSX.' });
export type ExportFormatEnum = EnumValue<typeof ExportFormatEnum>;

@ObjectType('ExportFile', { description: 'A spreadsheet of a period and subtree: the same file as `gridhub export` and GET /export/….' })
export class ExportFileType {
  @Field(() => String, { description: 'e.g. incidents-2026-11-01-2026-11-30.xlsx' })
  fileName!: string;

  @Field(() => String)
  contentType!: string;

  @Field(() => Int, { description: 'Data rows (the header not counted).' })
  rows!: number;

  @Field(() => Int, { description: 'Bytes of the file.' })
  size!: number;

  @Field(() => String, { description: 'The file, base64-encoded.' })
  base64!: string;
}

export const toExportFile = (file: ExportFile): ExportFileType => ({ fileName: file.fileName, contentType: file.type, rows: file.rows, size: file.bytes.length, base64: file.bytes.toString('base64') });
