//! Database domain: migrations exist, destructive and locking statements, down migrations,
//! primary keys, foreign key indexes, connection pool.

use golive_core::Outcome;

mod support;
use support::repo::*;

fn loc(p: &str, l: u32) -> (String, u32) {
    (p.to_string(), l)
}

#[test]
fn prisma_with_migrations_passes_and_comments_are_not_drops() {
    let f = audit(&fixture("db/prisma-good"));
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Pass);
    assert!(
        of(&f, "db.migrations")[0]
            .message
            .contains("Prisma: 2 migration")
    );
    // `-- DROP TABLE`, `/* DROP TABLE */` and a 'DROP TABLE' string literal are not statements
    assert_eq!(outcome(&f, "db.destructive-migration"), Outcome::Pass);
    // the index is created on a table created in the same migration
    assert_eq!(outcome(&f, "db.locking-migration"), Outcome::Pass);
    assert_eq!(outcome(&f, "db.primary-key"), Outcome::Pass);
    assert_eq!(outcome(&f, "db.fk-index"), Outcome::Pass);
    // Prisma has no down migrations: not judged
    assert_eq!(outcome(&f, "db.down-migrations"), Outcome::NotApplicable);
    // connection_limit in .env.example
    assert_eq!(outcome(&f, "db.connection-pool"), Outcome::Pass);
}

#[test]
fn prisma_without_migrations_fails() {
    let f = audit(&fixture("db/prisma-nomig"));
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Fail);
    let m = of(&f, "db.migrations");
    assert!(
        m[0].evidence
            .iter()
            .any(|e| e.path() == Some("prisma/schema.prisma"))
    );
    assert_eq!(
        outcome(&f, "db.destructive-migration"),
        Outcome::NotApplicable
    );
}

#[test]
fn sql_drops_are_flagged_with_statement_and_line() {
    let f = audit(&fixture("db/golang-migrate"));
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Pass);
    let drops = fail_locations(&f, "db.destructive-migration");
    let m2 = "migrations/000002_cleanup.up.sql";
    assert_eq!(drops, vec![loc(m2, 2), loc(m2, 4)], "{drops:?}");
    let msgs: Vec<&str> = of(&f, "db.destructive-migration")
        .iter()
        .map(|x| x.message.as_str())
        .collect();
    assert!(
        msgs[0].contains("DROP COLUMN") && msgs[0].contains("legacy_flag"),
        "{msgs:?}"
    );
    assert!(msgs[1].contains("DROP TABLE"), "{msgs:?}");
    // the down migration drops tables by design and is not flagged
    assert!(!drops.iter().any(|(p, _)| p.contains(".down.")));
}

#[test]
fn locking_statements_are_flagged_on_existing_tables_only() {
    let f = audit(&fixture("db/golang-migrate"));
    let m2 = "migrations/000002_cleanup.up.sql";
    let locks = fail_locations(&f, "db.locking-migration");
    // NOT NULL without default (6), ALTER TYPE (8), RENAME (10), CREATE INDEX without
    // CONCURRENTLY (12); not the CONCURRENTLY one (14), not the index on a table created in the
    // same migration (000001)
    assert_eq!(
        locks,
        vec![loc(m2, 6), loc(m2, 8), loc(m2, 10), loc(m2, 12)],
        "{locks:?}"
    );
}

#[test]
fn missing_primary_keys_fk_indexes_and_down_migrations() {
    let f = audit(&fixture("db/golang-migrate"));
    let pk: Vec<String> = of(&f, "db.primary-key")
        .iter()
        .filter(|x| x.outcome == Outcome::Fail)
        .map(|x| x.message.clone())
        .collect();
    // audit_old has no primary key either, but 000002 drops it
    assert_eq!(pk.len(), 1, "{pk:?}");
    assert!(pk[0].contains("`tags`"));
    let fk = fail_locations(&f, "db.fk-index");
    assert!(
        fk.contains(&loc("migrations/000001_init.up.sql", 14)),
        "{fk:?}"
    );
    assert!(
        fk.contains(&loc("migrations/000003_tags.up.sql", 4)),
        "{fk:?}"
    );
    // 000002 and 000003 have no .down.sql
    assert_eq!(outcome(&f, "db.down-migrations"), Outcome::Fail);
    assert!(
        of(&f, "db.down-migrations")[0]
            .message
            .starts_with("2 of 3")
    );
    // sql.Open without SetMaxOpenConns
    assert_eq!(outcome(&f, "db.connection-pool"), Outcome::Fail);
}

#[test]
fn django_apps_without_migrations_and_remove_field() {
    let f = audit(&fixture("db/django-app"));
    let m = of(&f, "db.migrations");
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Fail);
    assert!(
        m.iter()
            .any(|x| x.outcome == Outcome::Fail && x.message.contains("`blog`"))
    );
    assert!(
        !m.iter()
            .any(|x| x.outcome == Outcome::Fail && x.message.contains("`shop`"))
    );
    // RemoveField flagged; the commented DeleteModel is not
    let drops = fail_locations(&f, "db.destructive-migration");
    assert_eq!(
        drops,
        vec![loc("shop/migrations/0002_remove_product_sku.py", 9)],
        "{drops:?}"
    );
    // Django derives reverse operations itself
    assert_eq!(outcome(&f, "db.down-migrations"), Outcome::NotApplicable);
    assert_eq!(outcome(&f, "db.primary-key"), Outcome::NotApplicable);
}

#[test]
fn alembic_upgrade_drops_flagged_downgrade_drops_not() {
    let f = audit(&fixture("db/alembic"));
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Pass);
    let v = "alembic/versions/4d5e6f_drop_old_code.py";
    assert_eq!(
        fail_locations(&f, "db.destructive-migration"),
        vec![loc(v, 14)]
    );
    // SQL inside op.execute() is read too
    assert_eq!(fail_locations(&f, "db.locking-migration"), vec![loc(v, 15)]);
    // the second migration's downgrade is only `pass`
    let down = of(&f, "db.down-migrations");
    assert_eq!(outcome(&f, "db.down-migrations"), Outcome::Fail);
    assert!(down[0].evidence.iter().any(|e| e.path() == Some(v)));
    assert_eq!(outcome(&f, "db.connection-pool"), Outcome::Pass);
}

#[test]
fn diesel_with_down_migrations_and_pool_passes() {
    let f = audit(&fixture("db/diesel"));
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Pass);
    assert_eq!(outcome(&f, "db.down-migrations"), Outcome::Pass);
    assert_eq!(outcome(&f, "db.destructive-migration"), Outcome::Pass);
    assert_eq!(outcome(&f, "db.connection-pool"), Outcome::Pass);
}

#[test]
fn sqlx_without_migrations_fails() {
    let f = audit(&fixture("db/sqlx-nomig"));
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Fail);
    assert!(of(&f, "db.migrations")[0].message.contains("sqlx"));
    assert_eq!(outcome(&f, "db.connection-pool"), Outcome::Fail);
}

#[test]
fn no_database_is_not_applicable() {
    let f = audit(&fixture("db/none"));
    for id in [
        "db.migrations",
        "db.destructive-migration",
        "db.locking-migration",
        "db.down-migrations",
        "db.primary-key",
        "db.fk-index",
        "db.connection-pool",
    ] {
        assert_eq!(outcome(&f, id), Outcome::NotApplicable, "{id}");
    }
}

#[test]
fn mysql_and_malformed_sql_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("db/migrations")).unwrap();
    std::fs::write(
        root.join("db/migrations/V1__init.sql"),
        "CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, b_id INT, FOREIGN KEY (b_id) REFERENCES b(id)) ENGINE=InnoDB;\n# DROP TABLE a;\n",
    )
    .unwrap();
    std::fs::write(
        root.join("db/migrations/V2__broken.sql"),
        "ALTER TABLE a DROP b_id; /* unterminated comment\nDROP TABLE a;\n'unterminated string $$ ",
    )
    .unwrap();
    std::fs::write(
        root.join("db/migrations/V3__bin.sql"),
        b"ALTER TABLE a DROP COLUMN \xff\xfe;\n".as_slice(),
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Pass); // Flyway
    let drops = fail_locations(&f, "db.destructive-migration");
    assert_eq!(
        drops,
        vec![
            loc("db/migrations/V2__broken.sql", 1),
            loc("db/migrations/V3__bin.sql", 1)
        ]
    );
    // MySQL indexes foreign keys itself
    assert_eq!(outcome(&f, "db.fk-index"), Outcome::Pass);
    // Flyway community has no down migrations
    assert_eq!(outcome(&f, "db.down-migrations"), Outcome::NotApplicable);
}

#[test]
fn knex_migrations_read_up_not_down() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("migrations")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies":{"knex":"^3.1.0","pg":"^8.11.0"}}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("knexfile.js"),
        "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 2, max: 10 } };\n",
    )
    .unwrap();
    std::fs::write(
        root.join("migrations/20240101_init.js"),
        "exports.up = function (knex) {\n  return knex.schema.createTable('users', (t) => { t.increments('id'); });\n};\n\nexports.down = function (knex) {\n  return knex.schema.dropTable('users');\n};\n",
    )
    .unwrap();
    std::fs::write(
        root.join("migrations/20240201_drop.js"),
        "exports.up = async (knex) => {\n  // knex.schema.dropTable('nothing')\n  await knex.schema.table('users', (t) => {\n    t.dropColumn('nickname');\n  });\n};\n\nexports.down = async () => {};\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Pass);
    assert_eq!(
        fail_locations(&f, "db.destructive-migration"),
        vec![loc("migrations/20240201_drop.js", 4)]
    );
    let down = of(&f, "db.down-migrations");
    assert_eq!(outcome(&f, "db.down-migrations"), Outcome::Fail);
    assert!(down[0].message.starts_with("1 of 2"), "{down:#?}");
    assert_eq!(outcome(&f, "db.connection-pool"), Outcome::Pass);
}

#[test]
fn changes_to_tables_created_in_the_same_migration_do_not_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("alembic/versions")).unwrap();
    std::fs::write(
        root.join("alembic.ini"),
        "[alembic]\nscript_location = alembic\n",
    )
    .unwrap();
    std::fs::write(
        root.join("requirements.txt"),
        "alembic==1.13.1\npsycopg2-binary==2.9.9\n",
    )
    .unwrap();
    std::fs::write(
        root.join("alembic/versions/a1_init.py"),
        "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'a1'\n\n\ndef upgrade():\n    op.create_table('invoices', sa.Column('id', sa.Integer, primary_key=True))\n    op.create_index('ix_invoices_id', 'invoices', ['id'])\n    op.create_index('ix_users_email', 'users', ['email'])\n\n\ndef downgrade():\n    op.drop_table('invoices')\n",
    )
    .unwrap();
    let f = audit(root);
    // the index on `invoices` (created above) is fine; the one on the existing `users` is not
    assert_eq!(
        fail_locations(&f, "db.locking-migration"),
        vec![loc("alembic/versions/a1_init.py", 10)]
    );
}

#[test]
fn schema_synchronised_at_startup_is_named_in_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies":{"typeorm":"0.3.20","pg":"8.11.3"}}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("src/data-source.ts"),
        "import { DataSource } from \"typeorm\";\n\nexport const db = new DataSource({\n  type: \"postgres\",\n  synchronize: true,\n});\n",
    )
    .unwrap();
    let f = audit(root);
    let m = of(&f, "db.migrations");
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Fail);
    assert!(
        m[0].evidence
            .iter()
            .any(|e| e.locator() == "src/data-source.ts:5:1"),
        "{m:#?}"
    );
}

#[test]
fn typeorm_class_migrations_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/migrations")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies":{"typeorm":"0.3.20","pg":"8.11.3"}}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("src/migrations/1712000000000-DropLegacy.ts"),
        "import { MigrationInterface, QueryRunner } from \"typeorm\";\n\nexport class DropLegacy1712000000000 implements MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {\n    // await queryRunner.query(`DROP TABLE \"audit\"`);\n    await queryRunner.query(`ALTER TABLE \"user\" DROP COLUMN \"legacy\"`);\n  }\n\n  public async down(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query(`ALTER TABLE \"user\" ADD \"legacy\" text`);\n  }\n}\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Pass);
    assert_eq!(
        fail_locations(&f, "db.destructive-migration"),
        vec![loc("src/migrations/1712000000000-DropLegacy.ts", 6)]
    );
    assert_eq!(outcome(&f, "db.down-migrations"), Outcome::Pass);
}

#[test]
fn gorm_auto_migrate_without_versioned_migrations_fails() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("go.mod"),
        "module x\n\ngo 1.22\n\nrequire (\n\tgorm.io/gorm v1.25.10\n\tgorm.io/driver/postgres v1.5.7\n)\n",
    )
    .unwrap();
    std::fs::write(
        root.join("main.go"),
        "package main\n\nimport (\n\t\"gorm.io/driver/postgres\"\n\t\"gorm.io/gorm\"\n)\n\nfunc main() {\n\tdb, _ := gorm.Open(postgres.Open(\"\"), &gorm.Config{})\n\t_ = db.AutoMigrate(&User{})\n}\n",
    )
    .unwrap();
    let f = audit(root);
    let m = of(&f, "db.migrations");
    assert_eq!(outcome(&f, "db.migrations"), Outcome::Fail);
    assert!(m[0].message.contains("GORM"));
    assert!(
        m[0].evidence.iter().any(|e| e.locator() == "main.go:10:1"),
        "{m:#?}"
    );
}
