import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { PlaceInput } from '../schema/incident.type.js';
import type { GqlContext } from './context.js';

/** Demo mode only (absent from the schema on a real puppet): speak into a mock grid group. */
@Resolver()
export class DemoResolver {
  @Mutation(() => [String], {
    description:
      'Demo mode: says `text` (and/or a base64 `image`, then a WeChat `location`) in the grid’s mock WeChat group as `from` (a member’s name, or chief, worker, instructor, commander, resident) through Wechaty, and returns the bot’s replies in that group.',
  })
  async simulateMessage(
    @Arg('grid', () => String) grid: string,
    @Arg('from', () => String) from: string,
    @Arg('text', () => String, { nullable: true }) text: string | null,
    @Arg('image', () => String, { nullable: true, description: 'A photo as base64.' }) image: string | null,
    @Arg('location', () => PlaceInput, { nullable: true, description: 'A WeChat location message, sent after the text and image.' }) location: PlaceInput | null,
    @Ctx() ctx: GqlContext,
  ): Promise<string[]> {
    const photo = image ? Buffer.from(image, 'base64') : null;
    return ctx.scope.demo.simulateMessage(ctx.scope.actor, ctx.bots?.demo ?? null, { grid, from, text, image: photo, place: location });
  }
}
