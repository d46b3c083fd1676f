import { builder } from './builder.ts';
import './scalars.ts';
import './types/api-key.ts';
import './types/asset.ts';
import './types/invoice.ts';
import './types/invoice-subscriptions.ts';
import './types/ledger.ts';
import './types/rate.ts';
import './types/store.ts';
import './types/user.ts';
import './types/wallet.ts';
import './types/webhook.ts';

builder.queryType({ description: 'Reads. Every field says which credentials it accepts.' });
builder.mutationType({ description: 'Changes. Each is one business event in one transaction.' });
builder.subscriptionType({
  description: 'Live updates over graphql-ws or SSE; each starts with the current state.',
});

export const schema = builder.toSchema({ sortSchema: true });
