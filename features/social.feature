@e2e @social
Feature: Scheduled social posts
  The human drops a note asking for a post. Local takes it in as a task, Cloud drafts the post
  and asks for a publish_post approval; once approved, Local publishes it through the social
  MCP server against the fake social API at its scheduled time, never before. A rejected post
  is never published.

  Background:
    Given a Platinum world on the processes backend

  Scenario: An approved post is published by Local at its scheduled time, exactly once
    When the human asks for a post about "our autumn open house" 6 seconds ahead
    And Cloud's publish_post approval for the post reaches the human
    And the human approves the post
    Then the social API holds exactly one published post, published no earlier than scheduled
    And the post's task is filed in Done as done
    And Local's audit log records the post as published

  Scenario: A rejected post is never published
    When the human asks for a post about "a half-finished product teaser" 3 seconds ahead
    And Cloud's publish_post approval for the post reaches the human
    And the human rejects the post
    Then the post's task is filed in Done as rejected
    And the scheduled time passes with nothing published
