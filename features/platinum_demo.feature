@e2e
Feature: The Platinum gate
  An email arrives while Local is offline; Cloud drafts a reply and an approval request;
  Local comes back; the human approves; Local sends through the email MCP server, logs,
  and files the task in Done. Every check looks at the world, not at what an agent says.

  Background:
    Given a Platinum world on the processes backend

  Scenario: A reply drafted while Local is offline is approved and sent exactly once
    Given Local is offline
    When the customer mail "q4" arrives
    Then the approval request for "q4" reaches the remote while Local is still offline
    When Local comes back online
    And the human approves the reply to "q4"
    Then exactly one message reaches the SMTP server
    And it is a threaded reply to "q4" whose body is the approved draft
    And the task, plan and approval for "q4" are in Done
    And both agents' audit logs carry the spec's eight fields
    And Dashboard.md was only ever committed by Local
    And no object of the remote holds a secret of either agent

  Scenario: A rejected draft is never sent
    When the customer mail "q4" arrives
    And the human rejects the reply to "q4"
    Then the task for "q4" is closed as rejected
    And no reply to "q4" reaches the SMTP server

  Scenario: A draft edited by the human is sent as edited
    When the customer mail "q4" arrives
    And the human edits the reply to "q4" and approves it
    Then exactly one message reaches the SMTP server
    And the reply to "q4" carries the human's text, not the draft
