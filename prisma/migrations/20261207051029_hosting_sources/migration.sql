-- AlterTable
ALTER TABLE "hosting" ADD COLUMN     "provenance" "Provenance" NOT NULL DEFAULT 'RECORDED',
ADD COLUMN     "sources" TEXT[] DEFAULT ARRAY[]::TEXT[];

