-- A callback keeps its caller's place: the stand-in is inserted before every caller who
-- reached the platform later. The caller's channel uniqueid ("<system>-<epoch>.<seq>")
-- orders arrivals.
ALTER TABLE callbacks ADD COLUMN caller_uniqueid text NOT NULL DEFAULT '';
