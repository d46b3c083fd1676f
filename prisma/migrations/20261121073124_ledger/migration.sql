-- CreateEnum
CREATE TYPE "LedgerAccountCode" AS ENUM ('WALLET', 'USER_BALANCE', 'INVOICE_RECEIPTS', 'SALES', 'OVERPAYMENTS', 'UNATTRIBUTED');

-- CreateEnum
CREATE TYPE "LedgerPart" AS ENUM ('PENDING', 'CONFIRMED');

-- CreateEnum
CREATE TYPE "JournalEntryKind" AS ENUM ('PAYMENT_DETECTED', 'PAYMENT_CONFIRMED', 'PAYMENT_UNCONFIRMED', 'PAYMENT_REVERSED', 'DEPOSIT_DETECTED', 'DEPOSIT_CONFIRMED', 'DEPOSIT_UNCONFIRMED', 'DEPOSIT_REVERSED', 'INVOICE_SETTLED', 'INVOICE_UNSETTLED');

-- CreateTable
CREATE TABLE "LedgerAccount" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "storeId" UUID NOT NULL,
    "code" "LedgerAccountCode" NOT NULL,
    "asset" TEXT NOT NULL,
    "userId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerBalanceSlot" (
    "accountId" UUID NOT NULL,
    "slot" INTEGER NOT NULL,
    "pending" DECIMAL(78,0) NOT NULL,
    "confirmed" DECIMAL(78,0) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LedgerBalanceSlot_pkey" PRIMARY KEY ("accountId","slot")
);

-- CreateTable
CREATE TABLE "JournalEntry" (
    "id" BIGSERIAL NOT NULL,
    "storeId" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" "JournalEntryKind" NOT NULL,
    "status" "PaymentStatus" NOT NULL,
    "asset" TEXT NOT NULL,
    "paymentId" UUID,
    "seq" INTEGER NOT NULL,
    "invoiceId" TEXT,
    "userId" UUID,
    "description" TEXT NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "fiatCurrency" TEXT NOT NULL,
    "rate" DECIMAL(40,18),
    "rateSource" TEXT,
    "fiatValue" DECIMAL(40,8),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JournalEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JournalLine" (
    "id" BIGSERIAL NOT NULL,
    "entryId" BIGINT NOT NULL,
    "accountId" UUID NOT NULL,
    "part" "LedgerPart" NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "fiatValue" DECIMAL(40,8),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JournalLine_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LedgerAccount_key_key" ON "LedgerAccount"("key");

-- CreateIndex
CREATE INDEX "LedgerAccount_storeId_code_asset_idx" ON "LedgerAccount"("storeId", "code", "asset");

-- CreateIndex
CREATE INDEX "LedgerAccount_userId_idx" ON "LedgerAccount"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "JournalEntry_idempotencyKey_key" ON "JournalEntry"("idempotencyKey");

-- CreateIndex
CREATE INDEX "JournalEntry_storeId_id_idx" ON "JournalEntry"("storeId", "id");

-- CreateIndex
CREATE INDEX "JournalEntry_storeId_createdAt_idx" ON "JournalEntry"("storeId", "createdAt");

-- CreateIndex
CREATE INDEX "JournalEntry_paymentId_idx" ON "JournalEntry"("paymentId");

-- CreateIndex
CREATE INDEX "JournalEntry_invoiceId_idx" ON "JournalEntry"("invoiceId");

-- CreateIndex
CREATE INDEX "JournalEntry_userId_id_idx" ON "JournalEntry"("userId", "id");

-- CreateIndex
CREATE INDEX "JournalLine_entryId_idx" ON "JournalLine"("entryId");

-- CreateIndex
CREATE INDEX "JournalLine_accountId_createdAt_idx" ON "JournalLine"("accountId", "createdAt");

-- AddForeignKey
ALTER TABLE "LedgerBalanceSlot" ADD CONSTRAINT "LedgerBalanceSlot_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "LedgerAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JournalLine" ADD CONSTRAINT "JournalLine_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "JournalEntry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JournalLine" ADD CONSTRAINT "JournalLine_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "LedgerAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Written by hand below this line (Prisma does not model triggers): the journal's guarantees
-- are enforced by the database, so no code path, script or console session can break them.

-- Journal rows are never edited or deleted: mistakes and reorgs are corrected by new,
-- reversing entries. Accounts and balance slots are never deleted either.
CREATE FUNCTION kassa_journal_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: post a reversing entry instead of %', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER "JournalEntry_immutable" BEFORE UPDATE OR DELETE ON "JournalEntry"
  FOR EACH ROW EXECUTE FUNCTION kassa_journal_immutable();
CREATE TRIGGER "JournalEntry_no_truncate" BEFORE TRUNCATE ON "JournalEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION kassa_journal_immutable();
CREATE TRIGGER "JournalLine_immutable" BEFORE UPDATE OR DELETE ON "JournalLine"
  FOR EACH ROW EXECUTE FUNCTION kassa_journal_immutable();
CREATE TRIGGER "JournalLine_no_truncate" BEFORE TRUNCATE ON "JournalLine"
  FOR EACH STATEMENT EXECUTE FUNCTION kassa_journal_immutable();
CREATE TRIGGER "LedgerAccount_no_delete" BEFORE DELETE ON "LedgerAccount"
  FOR EACH ROW EXECUTE FUNCTION kassa_journal_immutable();
CREATE TRIGGER "LedgerAccount_no_truncate" BEFORE TRUNCATE ON "LedgerAccount"
  FOR EACH STATEMENT EXECUTE FUNCTION kassa_journal_immutable();
CREATE TRIGGER "LedgerBalanceSlot_no_delete" BEFORE DELETE ON "LedgerBalanceSlot"
  FOR EACH ROW EXECUTE FUNCTION kassa_journal_immutable();
CREATE TRIGGER "LedgerBalanceSlot_no_truncate" BEFORE TRUNCATE ON "LedgerBalanceSlot"
  FOR EACH STATEMENT EXECUTE FUNCTION kassa_journal_immutable();

-- Once per INSERT statement: every entry it touched must sum to zero per asset (in units and,
-- when every line is valued, in fiat), and the lines are added to their accounts' balances,
-- in the slot of this transaction (its id modulo 16: consecutive transactions use different
-- slots, so concurrent postings to one account rarely wait for each other), accounts in id
-- order so that two statements never lock the same slots in opposite orders. Lines of one
-- entry are therefore inserted by one statement.
CREATE FUNCTION kassa_journal_lines_posted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced BIGINT;
BEGIN
  SELECT l."entryId" INTO unbalanced
  FROM "JournalLine" l JOIN "LedgerAccount" a ON a.id = l."accountId"
  WHERE l."entryId" IN (SELECT DISTINCT "entryId" FROM new_lines)
  GROUP BY l."entryId", a.asset
  HAVING sum(l.amount) <> 0
      OR (count(l."fiatValue") = count(*) AND sum(l."fiatValue") <> 0)
  LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'journal entry % does not sum to zero per asset', unbalanced
      USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO "LedgerBalanceSlot" AS s ("accountId", slot, pending, confirmed, "updatedAt")
  SELECT "accountId", (txid_current() % 16)::int,
    COALESCE(sum(amount) FILTER (WHERE part = 'PENDING'), 0),
    COALESCE(sum(amount) FILTER (WHERE part = 'CONFIRMED'), 0),
    now()
  FROM new_lines GROUP BY "accountId" ORDER BY "accountId"
  ON CONFLICT ("accountId", slot) DO UPDATE SET
    pending = s.pending + EXCLUDED.pending,
    confirmed = s.confirmed + EXCLUDED.confirmed,
    "updatedAt" = EXCLUDED."updatedAt";
  RETURN NULL;
END $$;

CREATE TRIGGER "JournalLine_posted" AFTER INSERT ON "JournalLine"
  REFERENCING NEW TABLE AS new_lines
  FOR EACH STATEMENT EXECUTE FUNCTION kassa_journal_lines_posted();

-- Balances move only with journal lines: a statement that writes a slot directly (depth 1) is
-- refused; the posting trigger above writes them one trigger level deeper.
CREATE FUNCTION kassa_ledger_balance_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() > 1 THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'ledger balances move only by journal lines'
    USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER "LedgerBalanceSlot_guard" BEFORE INSERT OR UPDATE ON "LedgerBalanceSlot"
  FOR EACH ROW EXECUTE FUNCTION kassa_ledger_balance_guard();
