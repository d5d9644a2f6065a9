-- Dataset tables: one per entity of DATA-FORMAT.md (generated from src/dataset/entities.ts by src/store/schema.ts).
-- Keys are enforced by the importer (quarantine), not by constraints, so bulk loads stay fast on both engines.

CREATE TABLE institutions (
  "institution_id" VARCHAR,
  "name" VARCHAR,
  "uscc" VARCHAR,
  "kind" VARCHAR,
  "category" VARCHAR,
  "region_code" VARCHAR,
  "address" VARCHAR,
  "lat" DOUBLE PRECISION,
  "lon" DOUBLE PRECISION,
  "license_no" VARCHAR,
  "license_valid_to" DATE,
  "subsidy_catalog_from" DATE,
  "subsidy_catalog_to" DATE,
  "eval_registration_no" VARCHAR,
  "eval_registered_on" DATE,
  "eval_terminated_on" DATE,
  "supervising_department" VARCHAR,
  "payee_account" VARCHAR,
  "payee_name" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE eval_scopes (
  "institution_id" VARCHAR,
  "occupation_code" VARCHAR,
  "levels" VARCHAR,
  "valid_from" DATE,
  "valid_to" DATE,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE projects (
  "project_id" VARCHAR,
  "name" VARCHAR,
  "occupation_code" VARCHAR,
  "level" INTEGER,
  "category" VARCHAR,
  "standard_hours" DOUBLE PRECISION,
  "subsidy_per_person" BIGINT,
  "catalog_from" DATE,
  "catalog_to" DATE,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE persons (
  "id_number" VARCHAR,
  "name" VARCHAR,
  "phone" VARCHAR,
  "bank_account" VARCHAR,
  "region_code" VARCHAR,
  "date_of_death" DATE,
  "is_public_official" BOOLEAN,
  "employer_uscc" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE staff (
  "institution_id" VARCHAR,
  "id_number" VARCHAR,
  "role" VARCHAR,
  "from" DATE,
  "to" DATE,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE classes (
  "class_id" VARCHAR,
  "institution_id" VARCHAR,
  "project_id" VARCHAR,
  "mode" VARCHAR,
  "start_date" DATE,
  "end_date" DATE,
  "planned_hours" DOUBLE PRECISION,
  "venue_address" VARCHAR,
  "venue_lat" DOUBLE PRECISION,
  "venue_lon" DOUBLE PRECISION,
  "region_code" VARCHAR,
  "delivered_by" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE sessions (
  "session_id" VARCHAR,
  "class_id" VARCHAR,
  "starts_at" TIMESTAMP,
  "ends_at" TIMESTAMP,
  "teacher_id_number" VARCHAR,
  "venue_lat" DOUBLE PRECISION,
  "venue_lon" DOUBLE PRECISION,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE enrollments (
  "class_id" VARCHAR,
  "id_number" VARCHAR,
  "enrolled_on" DATE,
  "completed" BOOLEAN,
  "completed_hours" DOUBLE PRECISION,
  "employed" BOOLEAN,
  "employer_uscc" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE attendance (
  "session_id" VARCHAR,
  "id_number" VARCHAR,
  "checked_at" TIMESTAMP,
  "method" VARCHAR,
  "face_score" DOUBLE PRECISION,
  "lat" DOUBLE PRECISION,
  "lon" DOUBLE PRECISION,
  "device_id" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE online_events (
  "event_id" VARCHAR,
  "event_id_raw" VARCHAR,
  "id_number" VARCHAR,
  "id_number_raw" VARCHAR,
  "class_id" VARCHAR,
  "class_id_raw" VARCHAR,
  "at" TIMESTAMP,
  "at_raw" VARCHAR,
  "type" VARCHAR,
  "type_raw" VARCHAR,
  "device_id" VARCHAR,
  "ip" VARCHAR,
  "course_item" VARCHAR,
  "position_s" DOUBLE PRECISION,
  "position_s_raw" VARCHAR,
  "face_score" DOUBLE PRECISION,
  "prev_hash" VARCHAR,
  "hash" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE claims (
  "claim_id" VARCHAR,
  "institution_id" VARCHAR,
  "class_id" VARCHAR,
  "submitted_on" DATE,
  "amount" BIGINT,
  "status" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE claim_items (
  "claim_id" VARCHAR,
  "id_number" VARCHAR,
  "amount" BIGINT,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE payments (
  "payment_id" VARCHAR,
  "claim_id" VARCHAR,
  "paid_on" DATE,
  "amount" BIGINT,
  "payee_account" VARCHAR,
  "payee_name" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE exams (
  "exam_id" VARCHAR,
  "institution_id" VARCHAR,
  "occupation_code" VARCHAR,
  "level" INTEGER,
  "starts_at" TIMESTAMP,
  "ends_at" TIMESTAMP,
  "venue_address" VARCHAR,
  "capacity" INTEGER,
  "pass_mark" DOUBLE PRECISION,
  "examiner_id_numbers" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE exam_results (
  "exam_id" VARCHAR,
  "id_number" VARCHAR,
  "theory_score" DOUBLE PRECISION,
  "practical_score" DOUBLE PRECISION,
  "passed" BOOLEAN,
  "absent" BOOLEAN,
  "basis" VARCHAR,
  "experience_years" DOUBLE PRECISION,
  "prior_certificate_no" VARCHAR,
  "answers" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE certificates (
  "certificate_no" VARCHAR,
  "id_number" VARCHAR,
  "occupation_code" VARCHAR,
  "level" INTEGER,
  "institution_id" VARCHAR,
  "exam_id" VARCHAR,
  "issued_on" DATE,
  "status" VARCHAR,
  "uploaded_on" DATE,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE ads (
  "ad_id" VARCHAR,
  "source" VARCHAR,
  "publisher_name" VARCHAR,
  "publisher_uscc" VARCHAR,
  "url" VARCHAR,
  "captured_on" DATE,
  "text" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE listings (
  "listing_id" VARCHAR,
  "platform" VARCHAR,
  "shop_name" VARCHAR,
  "title" VARCHAR,
  "description" VARCHAR,
  "price" BIGINT,
  "url" VARCHAR,
  "captured_on" DATE,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);

CREATE TABLE complaints (
  "complaint_id" VARCHAR,
  "received_on" DATE,
  "channel" VARCHAR,
  "subject_name" VARCHAR,
  "subject_uscc" VARCHAR,
  "region_code" VARCHAR,
  "text" VARCHAR,
  "src_file" VARCHAR,
  "src_line" BIGINT,
  "extra" VARCHAR
);
