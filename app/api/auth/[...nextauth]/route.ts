import type { NextRequest } from 'next/server';
import { handlers } from '@/app/auth';
import { refuseBadCallbackUrl } from '@/lib/http/callback-url';

export const GET = (req: NextRequest) => refuseBadCallbackUrl(req) ?? handlers.GET(req);
export const POST = (req: NextRequest) => refuseBadCallbackUrl(req) ?? handlers.POST(req);
