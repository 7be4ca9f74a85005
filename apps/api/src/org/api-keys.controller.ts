import { Controller, Delete, Get, Header, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { IssueApiKey, ListApiKeys, RevokeApiKey } from '@app/tenancy';
import { AdminApiKeyGuard } from '../http/admin-api-key.guard';

const Uuid = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

/** A tenant's API keys, which its apps present to tenant-api; managed with the admin key like the rest of /org. */
@Controller('org/:id/api-keys')
@UseGuards(AdminApiKeyGuard)
export class ApiKeysController {
  constructor(
    private readonly issueApiKey: IssueApiKey,
    private readonly listApiKeys: ListApiKeys,
    private readonly revokeApiKey: RevokeApiKey,
  ) {}

  /** `{id, key, prefix, createdAt}`: the key is shown this once; master keeps only its hash. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Header('Cache-Control', 'no-store')
  async issue(@Param('id', Uuid) tenantId: string) {
    return this.issueApiKey.execute(tenantId);
  }

  @Get()
  async list(@Param('id', Uuid) tenantId: string) {
    return { items: await this.listApiKeys.execute(tenantId) };
  }

  @Delete(':keyId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async revoke(@Param('id', Uuid) tenantId: string, @Param('keyId', Uuid) keyId: string): Promise<void> {
    await this.revokeApiKey.execute(tenantId, keyId);
  }
}
