-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "missingSinceHeight" INTEGER,
ADD COLUMN     "replacedByTxid" TEXT,
ADD COLUMN     "spends" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "ChainCursor" (
    "chain" TEXT NOT NULL,
    "height" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChainCursor_pkey" PRIMARY KEY ("chain")
);

-- CreateTable
CREATE TABLE "ChainBlock" (
    "chain" TEXT NOT NULL,
    "height" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChainBlock_pkey" PRIMARY KEY ("chain","height")
);

-- CreateTable
CREATE TABLE "ChainStatus" (
    "chain" TEXT NOT NULL,
    "tipHeight" INTEGER,
    "height" INTEGER,
    "nodeError" TEXT,
    "nodeErrorSince" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChainStatus_pkey" PRIMARY KEY ("chain")
);
