import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class LivenessController {
  /** Liveness: the process answers; nothing external is asked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}
