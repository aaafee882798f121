ALTER TABLE "communities" ADD COLUMN "retired" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "streets" ADD COLUMN "retired" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- The demo placeholders were named like 城中第二社区; they become 示例社区一, 示例社区二, … (never 示范).
UPDATE "communities" SET "name" = '示例社区一' WHERE "id" = 'chengzhong-2' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二' WHERE "id" = 'chengzhong-3' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区三' WHERE "id" = 'chengzhong-4' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区四' WHERE "id" = 'chengzhong-5' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区五' WHERE "id" = 'gongyuan-1' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区六' WHERE "id" = 'gongyuan-2' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区七' WHERE "id" = 'gongyuan-3' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区八' WHERE "id" = 'gongyuan-4' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区九' WHERE "id" = 'gongyuan-5' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十' WHERE "id" = 'shuishang-1' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十一' WHERE "id" = 'shuishang-2' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十二' WHERE "id" = 'shuishang-3' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十三' WHERE "id" = 'shuishang-4' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十四' WHERE "id" = 'zhongnan-1' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十五' WHERE "id" = 'zhongnan-2' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十六' WHERE "id" = 'zhongnan-3' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十七' WHERE "id" = 'zhongnan-4' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十八' WHERE "id" = 'jinglan-1' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区十九' WHERE "id" = 'jinglan-2' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十' WHERE "id" = 'jinglan-3' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十一' WHERE "id" = 'jinglan-4' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十二' WHERE "id" = 'jinglan-5' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十三' WHERE "id" = 'hedong-1' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十四' WHERE "id" = 'hedong-2' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十五' WHERE "id" = 'hedong-3' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十六' WHERE "id" = 'hedong-4' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十七' WHERE "id" = 'hedong-5' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十八' WHERE "id" = 'tanzhong-1' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区二十九' WHERE "id" = 'tanzhong-2' AND "demo" AND "name" LIKE '%第_社区';--> statement-breakpoint
UPDATE "communities" SET "name" = '示例社区三十' WHERE "id" = 'tanzhong-3' AND "demo" AND "name" LIKE '%第_社区';
