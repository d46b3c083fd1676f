-- CreateEnum
CREATE TYPE "AddressState" AS ENUM ('FREE', 'INVOICE', 'DEPOSIT', 'USED');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('NEW', 'PROCESSING', 'SETTLED', 'EXPIRED', 'INVALID');

-- CreateEnum
CREATE TYPE "InvoiceExceptionStatus" AS ENUM ('NONE', 'PAID_PARTIAL', 'PAID_OVER', 'PAID_LATE', 'MARKED');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'CONFIRMED', 'REVERSED');

-- CreateTable
CREATE TABLE "Wallet" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "chain" TEXT NOT NULL,
    "label" TEXT,
    "extendedKey" TEXT NOT NULL,
    "scriptType" TEXT NOT NULL,
    "nextIndex" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Wallet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Address" (
    "id" UUID NOT NULL,
    "walletId" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "chain" TEXT NOT NULL,
    "derivationIndex" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "script" BYTEA,
    "state" "AddressState" NOT NULL DEFAULT 'FREE',
    "invoiceId" TEXT,
    "userId" UUID,
    "allocatedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Address_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invoice" (
    "id" TEXT NOT NULL,
    "storeId" UUID NOT NULL,
    "orderId" TEXT,
    "requestHash" TEXT NOT NULL,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'NEW',
    "exceptionStatus" "InvoiceExceptionStatus" NOT NULL DEFAULT 'NONE',
    "price" DECIMAL(40,18) NOT NULL,
    "currency" TEXT NOT NULL,
    "description" TEXT,
    "metadata" JSONB,
    "userId" UUID,
    "redirectUrl" TEXT,
    "notificationUrl" TEXT,
    "paymentTolerancePercent" DECIMAL(5,2) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "monitoringEndsAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PaymentMethod" (
    "id" UUID NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "chain" TEXT NOT NULL,
    "addressId" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "amountDue" DECIMAL(78,0) NOT NULL,
    "rate" DECIMAL(40,18),
    "rateSource" TEXT,
    "paymentUri" TEXT NOT NULL,

    CONSTRAINT "PaymentMethod_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "externalId" TEXT NOT NULL,
    "email" TEXT,
    "metadata" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserToken" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "secretHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Payment" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "chain" TEXT NOT NULL,
    "txid" TEXT NOT NULL,
    "outputIndex" INTEGER NOT NULL,
    "asset" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "invoiceId" TEXT,
    "userId" UUID,
    "status" "PaymentStatus" NOT NULL DEFAULT 'PENDING',
    "confirmations" INTEGER NOT NULL DEFAULT 0,
    "requiredConfirmations" INTEGER NOT NULL,
    "blockHash" TEXT,
    "blockHeight" INTEGER,
    "signalsRbf" BOOLEAN NOT NULL DEFAULT false,
    "seenAt" TIMESTAMPTZ(3) NOT NULL,
    "confirmedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Wallet_storeId_chain_createdAt_idx" ON "Wallet"("storeId", "chain", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Wallet_storeId_chain_extendedKey_scriptType_key" ON "Wallet"("storeId", "chain", "extendedKey", "scriptType");

-- CreateIndex
CREATE INDEX "Address_walletId_state_derivationIndex_idx" ON "Address"("walletId", "state", "derivationIndex");

-- CreateIndex
CREATE INDEX "Address_invoiceId_idx" ON "Address"("invoiceId");

-- CreateIndex
CREATE UNIQUE INDEX "Address_walletId_derivationIndex_key" ON "Address"("walletId", "derivationIndex");

-- CreateIndex
CREATE UNIQUE INDEX "Address_chain_address_key" ON "Address"("chain", "address");

-- CreateIndex
CREATE UNIQUE INDEX "Address_userId_chain_key" ON "Address"("userId", "chain");

-- CreateIndex
CREATE INDEX "Invoice_storeId_createdAt_id_idx" ON "Invoice"("storeId", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Invoice_storeId_status_idx" ON "Invoice"("storeId", "status");

-- CreateIndex
CREATE INDEX "Invoice_userId_idx" ON "Invoice"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_storeId_orderId_key" ON "Invoice"("storeId", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "PaymentMethod_invoiceId_asset_key" ON "PaymentMethod"("invoiceId", "asset");

-- CreateIndex
CREATE INDEX "User_storeId_createdAt_id_idx" ON "User"("storeId", "createdAt" DESC, "id");

-- CreateIndex
CREATE UNIQUE INDEX "User_storeId_externalId_key" ON "User"("storeId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "UserToken_secretHash_key" ON "UserToken"("secretHash");

-- CreateIndex
CREATE INDEX "UserToken_userId_idx" ON "UserToken"("userId");

-- CreateIndex
CREATE INDEX "Payment_invoiceId_idx" ON "Payment"("invoiceId");

-- CreateIndex
CREATE INDEX "Payment_userId_idx" ON "Payment"("userId");

-- CreateIndex
CREATE INDEX "Payment_chain_status_idx" ON "Payment"("chain", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_chain_txid_outputIndex_key" ON "Payment"("chain", "txid", "outputIndex");

-- AddForeignKey
ALTER TABLE "Wallet" ADD CONSTRAINT "Wallet_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Address" ADD CONSTRAINT "Address_walletId_fkey" FOREIGN KEY ("walletId") REFERENCES "Wallet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentMethod" ADD CONSTRAINT "PaymentMethod_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserToken" ADD CONSTRAINT "UserToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE SET NULL ON UPDATE CASCADE;
