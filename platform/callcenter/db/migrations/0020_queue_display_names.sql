-- A queue's display name in any script (销售), shown next to its Latin id in the pages.
ALTER TABLE acd_queues ADD COLUMN IF NOT EXISTS display_name text
    CHECK (display_name IS NULL OR (char_length(display_name) BETWEEN 1 AND 64
           AND display_name !~ '[[:cntrl:]]'));
