import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { checkPlace, type Place, type RawPlace } from '../domain/places.js';
import type { GridService } from './grid.service.js';

/** The demo world as this service needs it: say something in a grid's mock group, get the bot's replies. */
export interface DemoSpeaker {
  speak(gridCode: string, from: string, text: string | null, image: Uint8Array | null, place?: Place | null): Promise<string[]>;
}

/** Demo mode's operator tool: speaking into the mock WeChat groups. */
export class DemoService {
  constructor(private readonly grids: GridService) {}

  /**
   * Says `text` and/or `image` and/or a location `place` in `grid`'s mock group as `from` (a member's name or a role
   * word). Demo mode only (`demo` is null otherwise); admins only, since it speaks as anyone,
   * the commander included; the grid must be in the admin's subtree.
   */
  async simulateMessage(actor: Actor, demo: DemoSpeaker | null, input: { grid: string; from: string; text: string | null; image: Uint8Array | null; place?: RawPlace | null }): Promise<string[]> {
    if (!demo) throw new DomainError('BAD_USER_INPUT', 'simulateMessage works in demo mode only');
    if (actor.role !== 'admin') throw new DomainError('FORBIDDEN', 'simulateMessage is for the operator (an admin token)');
    await this.grids.get(actor, input.grid);
    return demo.speak(input.grid, input.from, input.text, input.image, input.place ? checkPlace(input.place) : null);
  }
}
