import { openApiDocument } from '@/app/_lib/openapi-document';
import { json } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The OpenAPI 3.1 document, public like the API's shape itself (data still needs a token). */
export async function GET() {
  return json(await openApiDocument());
}
