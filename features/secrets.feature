@e2e @secrets
Feature: Secrets never sync, and Cloud holds no executive credential
  Canaries planted in both agents' working trees, and pushed by hand past every client guard,
  never reach any object of the remote; the same scan finds them on an unprotected remote.
  Cloud's configuration, its processes' environments and its MCP tool lists hold nothing that
  could send, post or pay.

  Background:
    Given a Platinum world on the processes backend

  Scenario: Planted secrets never reach the remote
    Given canary secrets planted in both agents' working trees
    When the customer mail "q4" arrives
    And the human approves the reply to "q4"
    Then exactly one message reaches the SMTP server
    When the owner pastes an API key into a new note in Local's inbox
    Then Local's guard refused to commit the note holding an API key
    When an intruder force-pushes every canary file to the remote as Cloud
    Then the remote refuses every forced canary push
    And no object of the remote holds a canary or any other secret
    And the same canaries pushed to an unprotected remote are found by the same scan

  Scenario: Cloud's configuration and processes hold no Local-only credential
    When a customer asks for an invoice and Cloud drafts it through its Odoo MCP server
    Then Cloud's configuration file holds no Local-only secret and no SMTP setting
    And neither Cloud's process nor its children hold a Local-only credential
    And the same check finds the SMTP settings of Local's email MCP server
    And a Cloud configuration given Local's SMTP section is refused at load

  Scenario: Cloud's MCP servers offer no send, post or pay tool
    When Cloud's MCP servers are started in draft mode with Cloud's credentials
    Then none of Cloud's MCP servers lists a send, post or pay tool
    And a forced call to a send, post or pay tool is refused by each of them
