import { Injectable } from '@nestjs/common';
import { AdminKey } from '../../http/admin-key';
import { OperatorSession, OperatorSessions } from '../../sessions/operator-sessions';
import type { PageFrame } from '../views/layout';

@Injectable()
export class PageFrames {
  constructor(
    private readonly sessions: OperatorSessions,
    private readonly adminKey: AdminKey,
  ) {}

  of(session: OperatorSession | undefined): PageFrame {
    return { csrfToken: session && this.sessions.csrfToken(session), canLogOut: this.adminKey.isSet && session !== undefined };
  }
}
