import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { ExportFileType, ExportFormatEnum, ExportKindEnum, toExportFile } from '../schema/export.type.js';
import type { GqlContext } from './context.js';

/** What one export is guessed to cost against the query cost limit: it reads a whole period of a subtree. */
const EXPORT_COST = 500;

/** Figures taken out as spreadsheets (issue 14, point 17): the GraphQL face of `gridhub export`. */
@Resolver()
export class ExportResolver {
  @Query(() => ExportFileType, {
    complexity: EXPORT_COST,
    description:
      'Incidents, instruction receipts or clearance records of a period (at most 366 days) under `scope` (default your subtree) as CSV or XLSX, base64-encoded. `from`/`to` are days (YYYY-MM-DD, `to` included) or ISO times. Large files are better fetched from GET /export/<what>.<format>.',
  })
  async exportFile(
    @Arg('what', () => ExportKindEnum) what: ExportKindEnum,
    @Arg('format', () => ExportFormatEnum) format: ExportFormatEnum,
    @Arg('from', () => String) from: string,
    @Arg('to', () => String) to: string,
    @Arg('scope', () => String, { nullable: true }) scope: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<ExportFileType> {
    return toExportFile(await ctx.scope.exports.export(ctx.scope.actor, { what, format, from, to, scope }));
  }
}
