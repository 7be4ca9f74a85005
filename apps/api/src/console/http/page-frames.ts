import { AdminKey } from '@app/tenancy';
import { Injectable } from '@nestjs/common';
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
