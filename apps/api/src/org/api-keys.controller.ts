import { Controller, Delete, Get, Header, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiAnswers, ApiRefusals, IssueApiKey, ListApiKeys, RevokeApiKey } from '@app/tenancy';
import { AdminRoutes } from '../http/admin-routes.decorator';
import { apiKeyListAnswer, issuedApiKeyAnswer } from './org.answers';

const Uuid = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

/** A tenant's API keys, which its apps present to tenant-api; managed with the admin key like the rest of /org. */
@Controller('org/:id/api-keys')
@AdminRoutes()
@ApiRefusals({ 400: 'An id is not a UUID', 404: 'No tenant with this id' })
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
  @ApiOperation({ summary: 'Issue an API key for the tenant, for its apps to call tenant-api with' })
  @ApiAnswers({ 201: ['The new key, shown this once', issuedApiKeyAnswer] })
  @ApiRefusals({ 409: 'The tenant has as many active keys as it may have' })
  async issue(@Param('id', Uuid) tenantId: string) {
    return this.issueApiKey.execute(tenantId);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's active API keys, newest first (never the keys themselves)" })
  @ApiAnswers({ 200: ['Its active keys', apiKeyListAnswer] })
  async list(@Param('id', Uuid) tenantId: string) {
    return { items: await this.listApiKeys.execute(tenantId) };
  }

  @Delete(':keyId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API key: tenant-api refuses it from then on' })
  @ApiAnswers({ 204: ['Revoked'] })
  @ApiRefusals({ 404: 'No tenant with this id, or no such active key of it' })
  async revoke(@Param('id', Uuid) tenantId: string, @Param('keyId', Uuid) keyId: string): Promise<void> {
    await this.revokeApiKey.execute(tenantId, keyId);
  }
}
